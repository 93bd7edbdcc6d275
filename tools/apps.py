from django.apps import AppConfig


class ToolsConfig(AppConfig):
    """Development and measurement tools: the demo data, the synthetic force and the benchmark
    (management commands) and the fault harness. The top layer: it may import every app and no
    app imports it."""

    name = "tools"
    verbose_name = "Development and measurement tools"
