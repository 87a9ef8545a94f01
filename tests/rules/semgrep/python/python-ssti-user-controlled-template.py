import jinja2
from flask import Flask, render_template_string, request

app = Flask(__name__)


@app.route("/hello")
def hello():
    name = request.args.get("name", "world")
    # ruleid: python-ssti-user-controlled-template
    return render_template_string(f"<h1>Hello {name}</h1>")


@app.route("/preview", methods=["POST"])
def preview():
    source = request.form["template"]
    # ruleid: python-ssti-user-controlled-template
    return jinja2.Template(source).render()


@app.route("/hello-safe")
def hello_safe():
    name = request.args.get("name", "world")
    # ok: python-ssti-user-controlled-template
    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)


@app.route("/static-page")
def static_page():
    # ok: python-ssti-user-controlled-template
    return render_template_string("<p>{{ year }}</p>", year=2024)


class Router:
    def route(self, pattern: str):
        return lambda fn: fn


router = Router()


@router.route("pkg:npm/.*")
def npm_url(purl: str):
    # ok: python-ssti-user-controlled-template
    return Router.from_string(purl)


@app.route("/render/<name>")
def render_named(name: str):
    env = jinja2.Environment(autoescape=True)
    # ruleid: python-ssti-user-controlled-template
    return env.from_string("Hello " + name).render()
