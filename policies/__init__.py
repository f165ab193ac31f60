"""The bundled haguard policy pack (YAML files, one per policy, grouped by theme)."""
