"""newsmon: multilingual news monitoring with alerts to a desk."""

__version__ = "0.1.0"
