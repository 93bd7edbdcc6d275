"""What a victim reads must exist in Welsh: which templates and modules are the victim's, the
strings they mark for translation, and any visible text they forgot to mark.

A template is the victim's when it lives under `templates/victim/` or in a victim app's template
folder (VICTIM_TEMPLATE_FOLDERS), or extends or includes one that is (so a survey page that moves
onto the victim base is checked from then on). A module is the victim's when it is in a victim
app (VICTIM_APPS)."""

import ast
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

from . import po

ROOT = Path(settings.BASE_DIR)
PO_FILE = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
# Template folders (as template names start) that are the victim's whatever they extend.
# The letters a victim is sent (entitlements/letters.py) are theirs too, the email's text included.
VICTIM_TEMPLATE_FOLDERS = ("victim/", "publicinfo/", "portal/", "entitlements/letters/")
# Apps whose Python modules are all the victim's (their gettext strings must be in Welsh).
VICTIM_APPS = ("victimsite", "publicinfo", "portal")
# Modules of other apps with strings a victim reads (the survey's answer scale, the letters).
VICTIM_MODULE_FILES = (
    "surveys/models.py",
    "entitlements/letters.py",
    "entitlements/plain_words.py",
)
# Attributes a person reads or hears (a screen reader reads aria-label, title and alt).
_READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description"}
_GETTEXT = {
    "_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy",
    "npgettext", "npgettext_lazy", "gettext_noop",
}  # fmt: skip

_BLOCK_TRANSLATE = re.compile(
    r"{%\s*block(?:trans|translate)\b.*?%}.*?{%\s*endblock(?:trans|translate)\s*%}", re.S
)
_COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
_TAG_OR_VAR = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_REFERENCE = re.compile(r"""{%\s*(?:extends|include)\s+["']([^"']+)["']""")
_LETTERS = re.compile(r"[^\W\d_]", re.U)


@cache
def all_templates() -> dict[str, Path]:
    """Every project template by name (the first folder Django would find it in)."""
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and not _installed_package(Path(config.path))
    ]
    found: dict[str, Path] = {}
    for folder in folders:
        # .txt: a letter's plain text (the acknowledgement sent by email).
        for path in sorted([*folder.rglob("*.html"), *folder.rglob("*.txt")]):
            found.setdefault(path.relative_to(folder).as_posix(), path)
    return found


def _installed_package(path: Path) -> bool:
    return ".venv" in path.parts or "site-packages" in path.parts


@cache
def victim_templates() -> dict[str, Path]:
    templates = all_templates()
    victim = {name for name in templates if name.startswith(VICTIM_TEMPLATE_FOLDERS)}
    references = {
        name: set(_REFERENCE.findall(path.read_text(encoding="utf-8")))
        for name, path in templates.items()
    }
    changed = True
    while changed:
        changed = False
        for name, refs in references.items():
            if name not in victim and refs & victim:
                victim.add(name)
                changed = True
            # What a victim page includes is read by the victim too.
            if name in victim:
                for ref in refs - victim:
                    if ref in templates and not ref.endswith("base.html"):
                        victim.add(ref)
                        changed = True
    return {name: templates[name] for name in sorted(victim)}


@cache
def victim_modules() -> list[Path]:
    modules = []
    for app in VICTIM_APPS:
        folder = ROOT / app
        if folder.is_dir():
            modules += [p for p in sorted(folder.rglob("*.py")) if "migrations" not in p.parts]
    return modules + [ROOT / path for path in VICTIM_MODULE_FILES]


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in _READ_ATTRIBUTES and value and _LETTERS.search(value):
                self.found.append(f'{name}="{value}"')

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and _LETTERS.search(data):
            self.found.append(" ".join(data.split()))


def unmarked_text(source: str) -> list[str]:
    """Visible words in a template that are not marked for translation. Template tags and
    variables stand for themselves (a variable's value is data, translated where it is made)."""
    source = _COMMENT.sub(" ", source)
    source = _BLOCK_TRANSLATE.sub(" ", source)
    source = _TAG_OR_VAR.sub(" ", source)
    parser = _VisibleText()
    parser.feed(source)
    parser.close()
    return parser.found


def template_messages(name: str) -> list[tuple[str | None, str]]:
    """(context, msgid) of every string the template marks, as makemessages would gather it."""
    template = engines["django"].engine.get_template(name)
    found = []
    for node in template.nodelist.get_nodes_by_type(TranslateNode):
        var = node.filter_expression.var
        if getattr(var, "literal", None) is not None:
            found.append((_context(node), str(var.literal)))
    for node in template.nodelist.get_nodes_by_type(BlockTranslateNode):
        found.append((_context(node), node.render_token_list(node.singular)[0]))
    return found


def _context(node) -> str | None:
    if not node.message_context:
        return None
    return str(node.message_context.var)


def module_messages(path: Path) -> list[tuple[str | None, str]]:
    found = []
    for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(call, ast.Call):
            continue
        name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
        if name not in _GETTEXT or not call.args:
            continue
        strings = [a.value for a in call.args if isinstance(a, ast.Constant)]
        if not strings or not all(isinstance(s, str) for s in strings):
            continue
        if name.startswith("np") or name.startswith("p"):
            found.append((strings[0], strings[1] if len(strings) > 1 else ""))
        else:
            found.append((None, strings[0]))
    return found


@cache
def welsh_entries() -> dict[tuple[str | None, str], po.Entry]:
    return {(entry.msgctxt, entry.msgid): entry for entry in po.read(PO_FILE)}


def victim_sources() -> set[str]:
    """Repository paths of the victim's templates and modules, as the .po file names them."""
    paths = {p.relative_to(ROOT).as_posix() for p in victim_templates().values()}
    return paths | {p.relative_to(ROOT).as_posix() for p in victim_modules()}
