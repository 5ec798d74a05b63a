/**
 * Every citation in the repository leads somewhere (docs/design.md, opening paragraph): a
 * `docs/design.md <section>` names a heading that exists, a cited `*.md` document is in the
 * repository, and the design notes the project was started from (not in the repository) are not
 * cited at all.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
/** Where citations live. */
const SCANNED = [
  "src",
  "tests",
  "bench",
  "scripts",
  "firmware",
  "docs",
  "examples",
  "hil",
  "web",
  "README.md",
];
const SKIPPED_DIRS = new Set(["node_modules", "dist", "build", ".git"]);
const TEXT_FILE = /\.(ts|js|mjs|md|c|cpp|h|ino|tsv|ya?ml|sh|html|css)$/;
/** The outside notes the code used to cite (spelled in two parts so this file does not cite them). */
const FORBIDDEN = [`${"DESIGN"}.md`, `${"STYLE"}.md`];
/**
 * Documents being written in open issues, cited by code that has landed before them. Citing one
 * passes only while it is absent (with a printed note); once it exists, its entry must go.
 */
const PENDING_DOCUMENTS: Readonly<Record<string, string>> = {};

function walk(path: string, out: string[]): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path)) if (!SKIPPED_DIRS.has(name)) walk(join(path, name), out);
  } else if (TEXT_FILE.test(path)) out.push(path);
}

/** Section numbers of the headings of a markdown document (`## 2. Physics`, `### 2.1 ...`). */
function sectionsOf(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const m of markdown.matchAll(/^#{2,6}\s+(\d+(?:\.\d+)*)\.?\s/gm)) found.add(m[1] as string);
  return found;
}

/** Every `docs/design.md <n>` (or `docs/design.md section <n>`) in a text, with its line. */
function designCitations(text: string): { section: string; line: number }[] {
  const out: { section: string; line: number }[] = [];
  for (const m of text.matchAll(
    /docs\/design\.md(?:\s+|\s*\n\s*(?:\*|\/\/|#)?\s*)(?:section\s+)?(\d+(?:\.\d+)*)/g,
  ))
    out.push({ section: (m[1] as string).replace(/\.$/, ""), line: lineAt(text, m.index ?? 0) });
  return out;
}

/** Every `*.md` path named in a text (URLs left out), with its line. */
function documentMentions(text: string): { path: string; line: number }[] {
  const noUrls = text.replace(/https?:\/\/\S+/g, (u) => " ".repeat(u.length));
  const out: { path: string; line: number }[] = [];
  for (const m of noUrls.matchAll(/(?<![\w./-])((?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w.-]+\.md)\b/g))
    out.push({ path: m[1] as string, line: lineAt(noUrls, m.index ?? 0) });
  return out;
}

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

const files: string[] = [];
for (const top of SCANNED) if (existsSync(join(ROOT, top))) walk(join(ROOT, top), files);
// This file's own examples are not citations.
files.splice(files.indexOf(import.meta.filename), 1);
const markdownBasenames = new Set(files.filter((f) => f.endsWith(".md")).map((f) => basename(f)));
const designSections = sectionsOf(readFileSync(join(ROOT, "docs/design.md"), "utf8"));

/** Whether a cited document exists: from the repository root, from the citing file, or (a bare name) anywhere. */
function resolves(cited: string, fromFile: string): boolean {
  if (existsSync(join(ROOT, cited)) || existsSync(join(dirname(fromFile), cited))) return true;
  return !cited.includes("/") && markdownBasenames.has(cited);
}

describe("the citation checks", () => {
  it("reads section numbers from headings of any depth, with or without a trailing dot", () => {
    const s = sectionsOf("# Title\n## 1. Purpose\n### 2.1 Seed\n#### 2.4.1 Detail\ntext 9. not a heading\n");
    expect([...s].sort()).toEqual(["1", "2.1", "2.4.1"]);
  });

  it("finds design citations written with or without 'section', across a comment line break", () => {
    const text =
      "see docs/design.md 2.2, docs/design.md section 5.\n * (docs/design.md\n * 8) and docs/design.md.";
    expect(designCitations(text)).toEqual([
      { section: "2.2", line: 1 },
      { section: "5", line: 1 },
      { section: "8", line: 2 },
    ]);
  });

  it("finds document paths but not URLs", () => {
    const text = "[x](../docs/protocol.md) and notes/conventions.md\nsee https://example.com/a/README.md";
    expect(documentMentions(text).map((m) => m.path)).toEqual([
      "../docs/protocol.md",
      "notes/conventions.md",
    ]);
  });
});

describe("citations in the repository", () => {
  it("scans the source and the docs", () => {
    // A walk that found nothing would make every check below pass.
    expect(files.length).toBeGreaterThan(200);
    expect(designSections.has("2.2")).toBe(true);
    expect(designSections.has("8")).toBe(true);
  });

  it("cites only sections of docs/design.md that exist", () => {
    const bad: string[] = [];
    for (const f of files) {
      if (f.endsWith("design.md") && dirname(f) === join(ROOT, "docs")) continue;
      for (const c of designCitations(readFileSync(f, "utf8")))
        if (!designSections.has(c.section))
          bad.push(`${relative(ROOT, f)}:${c.line}: docs/design.md ${c.section}`);
    }
    expect(bad).toEqual([]);
  });

  it("cites only documents that are in the repository", () => {
    const bad: string[] = [];
    const pendingCited = new Set<string>();
    for (const f of files)
      for (const m of documentMentions(readFileSync(f, "utf8"))) {
        if (resolves(m.path, f)) continue;
        if (m.path in PENDING_DOCUMENTS) pendingCited.add(m.path);
        else bad.push(`${relative(ROOT, f)}:${m.line}: ${m.path}`);
      }
    for (const p of pendingCited)
      console.warn(`cited but not written yet: ${p}, ${PENDING_DOCUMENTS[p]} (tests/docs/citations.test.ts)`);
    expect(bad).toEqual([]);
  });

  it("lists as pending only documents that are still missing", () => {
    const written = Object.keys(PENDING_DOCUMENTS).filter((p) => existsSync(join(ROOT, p)));
    expect(written, "written now: remove from PENDING_DOCUMENTS").toEqual([]);
  });

  it("does not mention the design notes that are not in the repository", () => {
    const bad: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      for (const name of FORBIDDEN) if (text.includes(name)) bad.push(`${relative(ROOT, f)}: ${name}`);
    }
    expect(bad).toEqual([]);
  });
});
