def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "reliability: starts its own PostgreSQL and gunicorn (select with -m reliability)",
    )
