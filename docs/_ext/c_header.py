"""The C API page, read from the comment blocks of include/nerve.h.

The header documents itself: a comment block right above a declaration (or a comment at the end of its line)
describes it, and banners of the form

    /* ------------------------------------------------------------------
     * Title                                                    Since x.y
     * (optional paragraphs about the whole section)
     * ------------------------------------------------------------------ */

open sections. ``parse_header`` turns the file into sections of declarations with their comments; the
``nerve-c-header`` directive renders them with Sphinx's C domain, so that declarations get index entries and
names in the comments link to them. A declaration without a comment is a warning (an error under -W), with
its file and line.

Run as a script (``python3 docs/_ext/c_header.py include/nerve.h``) it prints the outline and exits with
status 1 if any declaration lacks a comment.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

BANNER_RULE = re.compile(r"^-{8,}$")
SINCE_AT_END = re.compile(r"\s*Since\s+(\d+\.\d+)\.?\s*$")
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


@dataclass
class Comment:
    lines: list[str]  # text lines, comment markers removed, relative indentation kept
    line: int  # first line in the file (1-based)
    trailing: bool  # at the end of a line of code


@dataclass
class Member:
    signature: str  # "int32_t epochs" or "NERVE_OK = 0"
    comment: list[str]


@dataclass
class Declaration:
    kind: str  # "function", "macro", "type", "struct", "enum"
    name: str  # "" for an anonymous enum
    text: str  # the declaration as written, comments inside it kept
    signatures: list[str]  # what the C domain directive takes (several for an enum's enumerators)
    line: int
    comment: Comment | None = None
    since: str | None = None
    members: list[Member] = field(default_factory=list)  # a struct's fields or an enum's enumerators
    head: list[str] = field(default_factory=list)  # a comment on the line of the opening brace


@dataclass
class Section:
    title: str
    since: str | None
    intro: list[str]
    line: int
    declarations: list[Declaration] = field(default_factory=list)


@dataclass
class Header:
    path: Path
    preamble: list[str]
    sections: list[Section]

    def undocumented(self) -> list[Declaration]:
        return [d for s in self.sections for d in s.declarations if d.comment is None]


# --------------------------------------------------------------------------------------------------------------
# Scanning: the file as a sequence of comments, preprocessor lines, blank lines and statements.
# --------------------------------------------------------------------------------------------------------------


def _comment_lines(raw: str) -> list[str]:
    """The text of a /* ... */ comment, one entry per line, leading ' * ' markers and common indent removed."""
    body = raw[2:-2]
    lines = body.split("\n")
    out = []
    for i, line in enumerate(lines):
        if i > 0:
            stripped = line.lstrip()
            if stripped.startswith("*"):
                line = stripped[1:]
                if line.startswith(" "):
                    line = line[1:]
        out.append(line.rstrip())
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    if not out:
        return []
    # The first line follows "/*" directly; the rest keep their indentation relative to the least indented.
    first = out[0].strip()
    rest = out[1:]
    indents = [len(x) - len(x.lstrip()) for x in rest if x.strip()]
    cut = min(indents) if indents else 0
    return [first] + [x[cut:] if x.strip() else "" for x in rest]


def _scan(text: str):
    """Yields ('comment', raw, line, trailing), ('pp', text, line), ('blank', line) and ('code', text, line)."""
    i, n, line = 0, len(text), 1
    at_line_start = True  # nothing but white space since the last newline
    code, code_line, depth = [], 0, 0
    blank_run = True

    def flush():
        nonlocal code
        s = "".join(code).strip()
        code = []
        return s

    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ValueError(f"line {line}: unterminated comment")
            raw = text[i : end + 2]
            if code or depth:
                code.append(raw)  # inside a declaration: part of its text
                if depth == 0:
                    yield ("trailing", raw, line)
            else:
                yield ("comment", raw, line, not at_line_start)
            line += raw.count("\n")
            i = end + 2
            at_line_start = False
            continue
        if c == "\n":
            if at_line_start and not code and depth == 0:
                yield ("blank", line)
            if code:
                code.append(c)
            line += 1
            i += 1
            at_line_start = True
            continue
        if c == "#" and at_line_start and not code and depth == 0:
            start_line = line
            parts = []
            while i < n:
                end = text.find("\n", i)
                end = n if end < 0 else end
                segment = text[i:end]
                # A comment that starts on the directive's line belongs to it, up to its end.
                open_at = segment.find("/*")
                if open_at >= 0:
                    close = text.find("*/", i + open_at + 2)
                    if close < 0:
                        raise ValueError(f"line {line}: unterminated comment")
                    parts.append(text[i : i + open_at])
                    raw = text[i + open_at : close + 2]
                    line += raw.count("\n")
                    yield ("pp", " ".join(parts).strip(), start_line)
                    yield ("comment", raw, start_line, True)
                    i = close + 2
                    at_line_start = False
                    break
                if segment.endswith("\\"):
                    parts.append(segment[:-1])
                    i = end + 1
                    line += 1
                    continue
                parts.append(segment)
                yield ("pp", " ".join(parts).strip(), start_line)
                i = end
                at_line_start = False
                break
            continue
        if not c.isspace():
            if not code and depth == 0:
                code_line = line
            at_line_start = False
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        if code or not c.isspace():
            code.append(c)
        if c == ";" and depth == 0:
            yield ("code", flush(), code_line)
        elif c == "{" and depth == 1 and re.fullmatch(r'extern\s+"C"\s*\{', "".join(code).strip()):
            code, depth = [], 0  # extern "C" { ... }: its contents are ordinary declarations
        i += 1
    rest = flush()
    if rest and rest != "}":
        yield ("code", rest, code_line)


# --------------------------------------------------------------------------------------------------------------
# Declarations
# --------------------------------------------------------------------------------------------------------------


def _strip_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _members(body: str, separator: str) -> tuple[list[str], list[Member]]:
    """The fields (separator ";") or enumerators (",") of a body, each with its comments: a comment on the line
    where a member ends describes it; a comment on a line of its own describes the member below it; a comment on
    the line of the opening brace describes the whole declaration (returned first)."""
    head: list[str] = []
    members: list[Member] = []
    waiting: list[str] = []  # comments on lines of their own, for the next member
    last: Member | None = None  # the member that ended on the current line, if any
    code = ""  # text since the last member ended or the last comment

    def more(old: list[str], new: list[str]) -> list[str]:
        return old + ([""] if old else []) + new

    def end_member(text: str):
        nonlocal last, waiting
        statement = _squash(text)
        if not statement:
            return
        for signature in _split_declarators(statement) if separator == ";" else [statement]:
            last = Member(signature, waiting)
            waiting = []
            members.append(last)

    for token in re.split(r"(/\*.*?\*/)", body, flags=re.S):
        if token.startswith("/*"):
            lines = _comment_lines(token)
            if separator == "," and code.strip():
                end_member(code)  # the last enumerator, which has no comma
                code = ""
            if "\n" in code or (last is None and not members and head is None):
                waiting = more(waiting, lines)
            elif last is not None:
                last.comment = more(last.comment, lines)
            elif not members and "\n" not in code:
                head = more(head, lines)
            else:
                waiting = more(waiting, lines)
            code = ""
            continue
        pieces = token.split(separator)
        for k, piece in enumerate(pieces):
            if k < len(pieces) - 1:
                end_member(code + piece)
                code = ""
            else:
                if "\n" in piece:
                    last = None
                code += piece
    if code.strip():
        end_member(code)
    return head, members


def _split_declarators(statement: str) -> list[str]:
    """"float a, b" -> ["float a", "float b"]."""
    parts = [p.strip() for p in statement.split(",")]
    if len(parts) == 1:
        return parts
    m = re.fullmatch(r"(.*?)(\**\s*\w+(?:\[[^\]]*\])*)", parts[0])
    if not m:
        return [statement]
    base = m.group(1).strip()
    return [parts[0]] + [f"{base} {p}" for p in parts[1:]]


def _declaration(text: str, line: int) -> Declaration | None:
    code = _squash(_strip_comments(text)).rstrip(";").strip()
    if not code or code == "}":
        return None
    m = re.fullmatch(r"(?:typedef\s+)?(struct|union|enum)\s*(\w*)\s*\{(.*)\}\s*(\w*)", code, re.S)
    if m:
        tag_kind, tag, _, alias = m.groups()
        name = alias or tag
        raw_body = text[text.index("{") + 1 : text.rindex("}")]
        if tag_kind == "enum":
            head, members = _members(raw_body, ",")
            signatures = [name] if name else [mb.signature for mb in members]
            return Declaration("enum", name, text, signatures, line, members=members, head=head)
        head, members = _members(raw_body, ";")
        return Declaration(tag_kind, name, text, [name], line, members=members, head=head)
    m = re.fullmatch(r"typedef\s+(struct|union|enum)\s+(\w+)\s+(\w+)", code)
    if m:
        return Declaration(m.group(1), m.group(3), text, [m.group(3)], line)
    if code.startswith("typedef "):
        declarator = code[len("typedef ") :]
        names = re.findall(r"\(\s*\*\s*(\w+)\s*\)", declarator) or IDENTIFIER.findall(declarator)[-1:]
        return Declaration("type", names[0] if names else "", text, [declarator], line)
    m = re.fullmatch(r"(.*?\b(\w+))\s*\((.*)\)", code, re.S)
    if m:
        return Declaration("function", m.group(2), text, [code], line)
    names = IDENTIFIER.findall(code)
    return Declaration("var", names[-1] if names else "", text, [code], line)


def _macro(directive: str, line: int) -> Declaration | None:
    m = re.fullmatch(r"#\s*define\s+(\w+)(\([^)]*\))?\s*(.*)", directive, re.S)
    if not m:
        return None
    name, params, value = m.group(1), m.group(2) or "", m.group(3).strip()
    return Declaration("macro", name, f"#define {name}{params} {value}".rstrip(), [name + params], line)


def _banner(lines: list[str]) -> tuple[str, str | None, list[str]] | None:
    """(title, since, intro) if the comment is a section banner."""
    if len(lines) < 3 or not BANNER_RULE.match(lines[0].strip()) or not BANNER_RULE.match(lines[-1].strip()):
        return None
    inner = lines[1:-1]
    while inner and not inner[0].strip():
        inner.pop(0)
    if not inner:
        return None
    title = inner[0].strip()
    m = SINCE_AT_END.search(title)
    since = m.group(1) if m else None
    if m:
        title = title[: m.start()].strip()
    intro = [x for x in inner[1:]]
    while intro and not intro[0].strip():
        intro.pop(0)
    return title, since, intro


def split_since(lines: list[str]) -> tuple[list[str], str | None]:
    """The comment without its closing "Since x.y", and that version."""
    lines = list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return lines, None
    m = SINCE_AT_END.search(lines[-1])
    if not m:
        return lines, None
    lines[-1] = lines[-1][: m.start()].rstrip()
    if not lines[-1].strip():
        lines.pop()
    return lines, m.group(1)


def parse_header(path: Path) -> Header:
    text = Path(path).read_text(encoding="utf-8")
    preamble: list[str] = []
    sections = [Section("General", None, [], 1)]
    pending: Comment | None = None  # a comment block waiting for the declarations below it
    run_comment: Comment | None = None  # the comment of the run of declarations just above (no blank line)
    last: list[Declaration] = []  # declarations of the statement just read, for a trailing comment
    skip_depth = 0  # inside `#ifdef __cplusplus ... #endif`
    cond_depth = 0
    guard = None
    seen_code = False

    def add(decl: Declaration):
        nonlocal run_comment
        comment = pending or run_comment
        decl.comment = comment
        run_comment = comment
        sections[-1].declarations.append(decl)

    for item in _scan(text):
        kind = item[0]
        if kind == "blank":  # a comment describes only what follows it directly
            pending = run_comment = None
            last = []
            continue
        if kind == "comment":
            _, raw, line, trailing = item
            lines = _comment_lines(raw)
            if skip_depth:
                continue
            if trailing and last:
                for d in last:  # a comment above and one at the end of the line: both describe it
                    above = d.comment.lines + [""] if d.comment else []
                    d.comment = Comment(above + lines, line, True)
                continue
            if not seen_code and not preamble and sections[-1].title == "General" and not sections[-1].declarations:
                preamble = lines
                continue
            banner = _banner(lines)
            if banner:
                title, since, intro = banner
                sections.append(Section(title, since, intro, line))
                pending = run_comment = None
                last = []
                continue
            pending = Comment(lines, line, False)
            run_comment = None
            last = []
            continue
        if kind == "trailing":
            _, raw, line = item
            continue  # comments inside a declaration stay in its text
        if kind == "pp":
            _, directive, line = item
            seen_code = True
            word = re.match(r"#\s*(\w+)", directive)
            word = word.group(1) if word else ""
            if word != "define":
                pending = run_comment = None
            if word in ("if", "ifdef", "ifndef"):
                cond_depth += 1
                if skip_depth or re.search(r"__cplusplus", directive):
                    skip_depth += 1
                if word == "ifndef" and guard is None:
                    guard = directive.split()[-1]
                last = []
                continue
            if word == "endif":
                cond_depth -= 1
                if skip_depth:
                    skip_depth -= 1
                last = []
                continue
            if skip_depth or word != "define":
                last = []
                continue
            decl = _macro(directive, line)
            if decl is None or decl.name == guard or re.match(r"_[_A-Z]", decl.name):  # guard, reserved names
                pending = run_comment = None
                last = []
                continue
            add(decl)
            pending = None
            last = [decl]
            continue
        if kind == "code":
            _, code, line = item
            seen_code = True
            if skip_depth:
                continue
            decl = _declaration(code, line)
            if decl is None:
                continue
            add(decl)
            pending = None
            last = [decl]
            continue

    for section in sections:
        for d in section.declarations:
            if d.comment is not None:
                _, d.since = split_since(d.comment.lines)
    sections = [s for s in sections if s.declarations or s.intro or s.title != "General"]
    return Header(Path(path), preamble, sections)


# --------------------------------------------------------------------------------------------------------------
# Sphinx
# --------------------------------------------------------------------------------------------------------------

ROLE_OF_KIND = {"function": "func", "macro": "macro", "type": "type", "struct": "struct", "union": "union",
                "enum": "enum", "var": "var"}
DIRECTIVE_OF_KIND = {"function": "function", "macro": "macro", "type": "type", "struct": "struct",
                     "union": "union", "enum": "enum", "var": "var"}


def setup(app):
    from docutils import nodes
    from docutils.parsers.rst import directives
    from sphinx.util import logging
    from sphinx.util.docutils import SphinxDirective

    try:
        from sphinx.domains.c._parser import DefinitionParser
    except ImportError:  # Sphinx < 7.3
        from sphinx.domains.c import DefinitionParser

    logger = logging.getLogger(__name__)
    inline = re.compile(r"`([^`\n]+)`|\b((?:nerve|NERVE)_\w+)\b")

    class CHeader(SphinxDirective):
        """``.. nerve-c-header:: ../include/nerve.h``: the header's sections, declarations and comments."""

        required_arguments = 1
        has_content = False
        option_spec = {"no-preamble": directives.flag}

        def run(self):
            rel, path = self.env.relfn2path(self.arguments[0])
            self.env.note_dependency(rel)
            try:
                header = parse_header(Path(path))
            except (OSError, ValueError) as error:
                raise self.error(f"{path}: {error}")
            self.path = path
            self.targets = {}
            for section in header.sections:
                for d in section.declarations:
                    if d.name:
                        self.targets[d.name] = (ROLE_OF_KIND[d.kind], d.name)
                    if d.kind == "enum":
                        for m in d.members:
                            self.targets[IDENTIFIER.match(m.signature).group(0)] = ("enumerator", IDENTIFIER.match(m.signature).group(0))

            result = []
            if header.preamble and "no-preamble" not in self.options:
                result += self.text(header.preamble)
            for section in header.sections:
                result.append(self.section(section))
            for d in header.undocumented():
                logger.warning("%s has no comment (%s line %d): every declaration of the header needs one",
                               d.name or _squash(_strip_comments(d.text)), Path(path).name, d.line,
                               location=f"{path}:{d.line}", type="nerve-c-header")
            return result

        # Comment text -> nodes ----------------------------------------------------------------------------

        def inline(self, text: str):
            from sphinx import addnodes

            out, at = [], 0
            for m in inline.finditer(text):
                if m.start() > at:
                    out.append(nodes.Text(text[at : m.start()]))
                if m.group(1) is not None:
                    out.append(nodes.literal(m.group(1), m.group(1)))
                elif m.group(2) in self.targets:
                    role, target = self.targets[m.group(2)]
                    ref = addnodes.pending_xref("", refdomain="c", reftype=role, reftarget=target,
                                                refexplicit=False, refwarn=True)
                    ref += nodes.literal(m.group(2), m.group(2), classes=["xref", "c", f"c-{role}"])
                    out.append(ref)
                else:
                    out.append(nodes.literal(m.group(2), m.group(2)))
                at = m.end()
            if at < len(text):
                out.append(nodes.Text(text[at:]))
            return out

        def since(self, version: str):
            p = nodes.paragraph(classes=["nerve-since"])
            p += nodes.emphasis("", f"Since {version}.")
            return p

        def text(self, lines: list[str], flowing: bool = False):
            """Paragraphs for lines at the comment's margin, literal blocks for indented runs (tables, lists);
            with flowing, every line joins its paragraph (comments at the end of a line of code)."""
            blocks, run, run_kind = [], [], None

            def close():
                nonlocal run, run_kind
                if run_kind == "prose":
                    p = nodes.paragraph()
                    p += self.inline(" ".join(x.strip() for x in run))
                    blocks.append(p)
                elif run_kind == "pre" and self.labelled(run):
                    blocks.append(self.labelled(run))
                elif run_kind == "pre":
                    width = min(len(x) - len(x.lstrip()) for x in run if x.strip())
                    body = "\n".join(x[width:] for x in run)
                    blocks.append(nodes.literal_block(body, body, classes=["nerve-comment"]))
                elif run_kind == "since":
                    blocks.append(self.since(run[0]))
                run, run_kind = [], None

            for line in lines:
                if not line.strip():
                    close()
                    continue
                m = re.fullmatch(r"\s*Since\s+(\d+\.\d+)\.?\s*", line)
                if m:
                    close()
                    run, run_kind = [m.group(1)], "since"
                    close()
                    continue
                kind = "prose" if flowing or not line.startswith(" ") else "pre"
                if kind != run_kind:
                    # An indented line right after prose continues a run of "pre" only when it starts one.
                    close()
                    run_kind = kind
                run.append(line)
            close()
            return blocks

        def labelled(self, run: list[str]):
            """A definition list for a run of paragraphs that each start with a label ending in a full stop
            ("Status.   Every fallible call ..."), continued at the column of their text; else None."""
            head = re.compile(r"( ?)([A-Z][\w ()-]{0,20}\.)( {2,})(\S.*)")
            m = head.fullmatch(run[0])
            if not m:
                return None
            column = len(m.group(1) + m.group(2) + m.group(3))
            items = []
            for line in run:
                m = head.fullmatch(line)
                if m and len(m.group(1) + m.group(2) + m.group(3)) == column:
                    items.append((m.group(2), [m.group(4)]))
                elif len(line) - len(line.lstrip()) == column:
                    items[-1][1].append(line.strip())
                else:
                    return None
            dl = nodes.definition_list()
            for label, text in items:
                item = nodes.definition_list_item()
                item += nodes.term(label, label)
                definition = nodes.definition()
                p = nodes.paragraph()
                p += self.inline(" ".join(text))
                definition += p
                item += definition
                dl += item
            return dl

        def comment(self, comment: Comment | None, extra: list[str] = ()):
            if comment is None:
                return []
            lines, since = split_since(comment.lines)
            out = self.text(lines + ([""] + list(extra) if extra else []), flowing=False)
            if since:
                out.append(self.since(since))
            return out

        # Declarations -------------------------------------------------------------------------------------

        def parses(self, directive: str, signature: str) -> bool:
            object_type = "member" if directive in ("member", "var") else directive
            try:
                parser = DefinitionParser(signature, location=None, config=self.config)
                parser.parse_declaration(object_type, directive)
                parser.assert_end()
            except Exception:
                return False
            return True

        def parse_rst(self, lines: list[str], line: int):
            from docutils.statemachine import StringList

            container = nodes.container()
            self.state.nested_parse(StringList(lines, source=self.path), 0, container)
            return container.children

        def fallback(self, d: Declaration, group):
            """A declaration the C domain does not read: its text in a code block, with its comment."""
            logger.info("%s:%d: %s shown as a code block", self.path, d.line, d.name)
            out = []
            for item in group:
                code = item.text if item.kind == "macro" else _squash(_strip_comments(item.text))
                ids = [nodes.make_id(f"c-{item.name}")] if item.name else []
                block = nodes.literal_block(code, code, language="c", ids=ids)
                out.append(block)
            return out + self.comment(d.comment, d.head)

        def declaration(self, group: list[Declaration]):
            from sphinx import addnodes

            d = group[0]
            directive = DIRECTIVE_OF_KIND[d.kind]
            signatures = [sig for item in group for sig in item.signatures]
            anonymous_enum = d.kind == "enum" and not d.name
            if anonymous_enum:
                directive = "enumerator"
            member_directive = "enumerator" if d.kind == "enum" else "member"
            members = [] if anonymous_enum else d.members
            if not all(self.parses(directive, s) for s in signatures) or not all(
                self.parses(member_directive, m.signature) for m in members
            ):
                return self.fallback(d, group)
            lines = [f".. c:{directive}:: {signatures[0]}"] + [f"   {s}" for s in signatures[1:]]
            if members:
                lines.append("")
                for m in members:
                    lines += [f"   .. c:{member_directive}:: {m.signature}", ""]
            parsed = list(self.parse_rst(lines, d.line))
            descs = [n for n in parsed if isinstance(n, addnodes.desc)]
            if not descs:
                return self.fallback(d, group)
            content = next(iter(descs[0].findall(addnodes.desc_content)))
            value = []
            if d.kind == "macro" and len(group) == 1:
                definition = d.text.split(None, 2)[2] if len(d.text.split(None, 2)) > 2 else ""
                if definition:  # "#define NAME value": show the value
                    p = nodes.paragraph()
                    p += nodes.Text("Value: ")
                    p += nodes.literal(definition, definition)
                    value = [p]
            for position, child in enumerate(value + self.comment(d.comment, d.head)):
                content.insert(position, child)
            inner = [n for n in content.findall(addnodes.desc) if n is not descs[0]]
            for m, desc in zip(members, inner):
                member_content = next(iter(desc.findall(addnodes.desc_content)))
                lines, since = split_since(m.comment)
                member_content += self.text(lines, flowing=True)
                if since:
                    member_content += self.since(since)
            return parsed

        def section(self, section: Section):
            node = nodes.section(ids=[nodes.make_id("c-api-" + section.title)])
            node += nodes.title(section.title, section.title)
            self.state.document.note_implicit_target(node, node)
            if section.since:
                node += self.since(section.since)
            node += self.text(section.intro)
            group: list[Declaration] = []
            for d in section.declarations + [None]:
                if group and (
                    d is None or d.comment is None or d.comment is not group[-1].comment or d.kind != group[-1].kind
                    or d.kind not in ("function", "macro")
                ):
                    node += self.declaration(group)
                    group = []
                if d is not None:
                    group.append(d)
            return node

    app.add_directive("nerve-c-header", CHeader)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str]) -> int:
    header = parse_header(Path(argv[1] if len(argv) > 1 else "include/nerve.h"))
    for section in header.sections:
        print(f"== {section.title} (since {section.since}), line {section.line}")
        for d in section.declarations:
            state = "" if d.comment else "   <-- no comment"
            print(f"   {d.line:4} {d.kind:8} {d.name or '(anonymous)'}{state}")
            for mb in d.members:
                print(f"            {mb.signature:40} {' / '.join(x for x in mb.comment if x)[:60]}")
    missing = header.undocumented()
    for d in missing:
        print(f"{header.path}:{d.line}: declaration without a comment: {_squash(_strip_comments(d.text))}",
              file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
