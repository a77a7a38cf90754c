from newsmon.cli import app

app()
