"""Entry point: gunicorn serves `agrimarket.wsgi:app`; `python -m agrimarket.wsgi` is for local use."""

from flask import Flask

from agrimarket import create_app

app: Flask = create_app()

if __name__ == "__main__":
    app.run(debug=False, host="127.0.0.1", port=8000)
