"""The Python reference: autodoc directives generated from the modules' ``__all__`` lists.

``.. nerve-python-api::`` renders one section per module of ``nerve_python_modules`` (conf.py), each listed as
``"nerve.x"`` (required: a failed import is an error) or ``"nerve.x?"`` (optional: a module that does not exist
gets a note instead). Modules named in ``nerve.__all__`` and public submodules that define ``__all__`` are added
when the list misses them. A module's members are its ``__all__`` (or, without one, the public functions and
classes defined in it); each object is documented once, under the first module that lists it (``nerve`` first),
and later modules point to it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
import warnings

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

logger = logging.getLogger(__name__)


def _members(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == module.__name__
    ]


def _kind(value) -> str:
    if isinstance(value, types.ModuleType):
        return "module"
    if inspect.isclass(value):
        return "exception" if issubclass(value, BaseException) else "class"
    if callable(value):
        return "function"
    return "data"


HEADINGS = {"class": "Classes", "exception": "Exceptions", "function": "Functions", "data": "Data"}


def module_list(config_modules: list[str]) -> list[tuple[str, bool]]:
    """(name, optional) for every module to document, in order."""
    listed = [(m.rstrip("?"), m.endswith("?")) for m in config_modules]
    names = {name for name, _ in listed}
    package = importlib.import_module(listed[0][0])
    extra = []
    for name in getattr(package, "__all__", []):
        if isinstance(getattr(package, name, None), types.ModuleType):
            extra.append(f"{package.__name__}.{name}")
    for info in pkgutil.iter_modules(getattr(package, "__path__", []), package.__name__ + "."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:
            continue  # reported when listed; unlisted modules without __all__ are not public API
        if hasattr(module, "__all__"):
            extra.append(info.name)
    for name in extra:
        if name not in names:
            names.add(name)
            listed.append((name, False))
    return listed


class PythonApi(SphinxDirective):
    has_content = False

    def run(self):
        lines: list[str] = []
        documented: dict[int, str] = {}  # id(object) -> the name it is documented under
        for name, optional in module_list(self.config.nerve_python_modules):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    module = importlib.import_module(name)
            except ModuleNotFoundError as error:
                if optional and error.name == name:
                    lines += [name, "-" * len(name), "",
                              f".. note:: ``{name}`` is not part of this build: the module does not exist yet.", ""]
                    logger.info("%s: optional module absent", name)
                    continue
                logger.warning("%s cannot be imported: %s", name, error, location=self.get_location())
                continue
            except Exception as error:
                logger.warning("%s cannot be imported: %r", name, error, location=self.get_location())
                continue
            self.env.note_dependency(module.__file__)
            lines += self.module(module, documented)
        container = nodes.section()
        nested_parse_with_titles(self.state, StringList(lines, source="nerve-python-api"), container)
        return container.children

    def module(self, module: types.ModuleType, documented: dict[int, str]) -> list[str]:
        name = module.__name__
        lines = [name, "-" * len(name), "", f".. automodule:: {name}", "   :no-members:", ""]
        groups: dict[str, list[str]] = {k: [] for k in HEADINGS}
        elsewhere = []
        for member in _members(module):
            if not hasattr(module, member):
                logger.warning("%s.__all__ names %r, which the module does not define", name, member,
                               location=self.get_location())
                continue
            value = getattr(module, member)
            kind = _kind(value)
            if kind == "module":
                continue
            key = id(value)
            if kind != "data" and key in documented:
                elsewhere.append(documented[key])
                continue
            if kind != "data":
                documented[key] = f"{name}.{member}"
            groups[kind].append(member)
        for kind, heading in HEADINGS.items():
            if not groups[kind]:
                continue
            lines += [f".. rubric:: {heading}", ""]
            for member in groups[kind]:
                full = f"{name}.{member}"
                if kind in ("class", "exception"):
                    inheritance = ["   :show-inheritance:"] if public_bases(getattr(module, member).__bases__) else []
                    lines += [f".. auto{kind}:: {full}", "   :members:", *inheritance, ""]
                else:
                    lines += [f".. auto{kind}:: {full}", ""]
        if elsewhere:
            refs = ", ".join(f":py:obj:`{target}`" for target in elsewhere)
            lines += [f"Also in this module, documented above: {refs}.", ""]
        return lines


def _resolve_alias(app, env, node, contnode):
    """A reference to nerve.sub.Name resolves to nerve.Name when that is the same object and is documented."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    parts = target.split(".")
    if len(parts) < 3 or parts[0] != "nerve":
        return None
    try:
        value = importlib.import_module(".".join(parts[:-1]))
        value = getattr(value, parts[-1])
        package = importlib.import_module(parts[0])
    except Exception:
        return None
    domain = env.get_domain("py")
    for public in getattr(package, "__all__", []):
        if getattr(package, public, None) is value:
            found = domain.resolve_any_xref(env, node["refdoc"], app.builder, f"nerve.{public}", node, contnode)
            if found:
                return found[0][1]
    return None


def _skip_foreign(app, what, name, obj, skip, options):
    """Leave out methods a class gets from another library (scikit-learn's generated set_*_request)."""
    module = getattr(obj, "__module__", None)
    if what in ("class", "exception") and callable(obj) and isinstance(module, str) and module.split(".")[0] != "nerve":
        return True
    return None


def public_bases(bases) -> list:
    """The bases to show: a private base class of Nerve's is replaced by its own bases; object is left out."""
    result = []
    pending = list(bases)
    while pending:
        base = pending.pop(0)
        if getattr(base, "__name__", "").startswith("_") and getattr(base, "__module__", "").startswith("nerve"):
            pending[0:0] = list(getattr(base, "__bases__", ()))
        elif base is not object and base not in result:
            result.append(base)
    return result


def _public_bases(app, name, obj, options, bases):
    bases[:] = public_bases(bases)


def setup(app):
    app.add_config_value("nerve_python_modules", ["nerve"], "env")
    app.add_directive("nerve-python-api", PythonApi)
    app.connect("missing-reference", _resolve_alias)
    app.connect("autodoc-skip-member", _skip_foreign)
    app.connect("autodoc-process-bases", _public_bases)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
