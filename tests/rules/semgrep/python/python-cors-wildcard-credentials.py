from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask
from flask_cors import CORS, cross_origin

app = Flask(__name__)
api = FastAPI()

# ruleid: python-cors-wildcard-credentials
CORS(app, origins="*", supports_credentials=True)

# ruleid: python-cors-wildcard-credentials
CORS(app, supports_credentials=True)

# ruleid: python-cors-wildcard-credentials
api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)


# ruleid: python-cors-wildcard-credentials
@cross_origin(origins="*", supports_credentials=True)
def profile():
    return {}


# ok: python-cors-wildcard-credentials
CORS(app, origins=["https://app.example.com"], supports_credentials=True)

# ok: python-cors-wildcard-credentials
CORS(app, origins="*")

# ok: python-cors-wildcard-credentials
api.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
