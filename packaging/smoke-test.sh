#!/usr/bin/env bash
# Build the desktop bundle and run it twice, as a clinic's computer would:
#   1. `chargeclock --smoke-test` (offscreen): open a fresh database, migrate, paint the main
#      window once, exit 0;
#   2. an open export (CSV) of the demo database, which the bundled executable writes in two
#      processes (it is its own second process), each file holding the rows its manifest says;
#   3. a superbill from a demo database: `chargeclock demo-db`, then
#      `chargeclock superbill --visit ID -o out.pdf` for a finalized visit, and the PDF must
#      hold a CPT code (pdftotext); then the same visit's patient renamed in Polish, Arabic and
#      Chinese, whose statement must embed the bundled fonts (pdffonts). (A statement names the
#      patient as the records stand; the visit's superbill is its bill as frozen at its
#      finalize, and a reprint prints those bytes whatever changed since.)
# Exits non-zero on any failure. Needs: make, python3, pdftotext (poppler-utils) and the Qt
# runtime libraries of packaging/debian-packages.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== smoke test: %s\n' "$*"; }
fail() { printf 'SMOKE TEST FAILED: %s\n' "$*" >&2; exit 1; }

step "build the bundle (make bundle)"
started=$(date +%s)
make bundle
echo "bundle built in $(( $(date +%s) - started )) s: $(du -sh dist/chargeclock | cut -f1)," \
  "$(find dist/chargeclock -type f | wc -l) files"

app=dist/chargeclock/chargeclock
[ -x "$app" ] || fail "$app is missing"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen
# Never touch the user's own database or data directory.
unset CHARGECLOCK_DB
export XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"

step "chargeclock --smoke-test"
started=$(date +%s%N)
if ! timeout 60 "$app" --smoke-test >"$work/smoke.out" 2>&1; then
  cat "$work/smoke.out"
  fail "--smoke-test did not exit 0"
fi
echo "first paint and exit in $(( ($(date +%s%N) - started) / 1000000 )) ms"
[ -z "$(ls -A "$work/data" 2>/dev/null)" ] || fail "--smoke-test wrote to the data directory"

step "chargeclock demo-db"
timeout 120 "$app" demo-db "$work/demo.sqlite3" || fail "demo-db failed"
visit=$(python3 - "$work/demo.sqlite3" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
row = conn.execute(
    "SELECT v.id FROM visits v WHERE v.status = 'finalized' "
    "AND EXISTS (SELECT 1 FROM claim_lines l WHERE l.visit_id = v.id) "
    "ORDER BY v.date_of_service DESC, v.id DESC LIMIT 1"
).fetchone()
print(row[0] if row else "")
PY
)
[ -n "$visit" ] || fail "the demo database has no finalized visit"
echo "finalized visit: $visit"

step "chargeclock export (CSV: the demo's visits are written by two processes)"
timeout 120 "$app" export --db "$work/demo.sqlite3" --from 2000-01-01 --to 2099-12-31 \
  -o "$work/export" || fail "export failed"
python3 - "$work/export" <<'PY' || fail "the export's files do not hold what its manifest says"
import csv, json, pathlib, sys
folder = pathlib.Path(sys.argv[1])
manifest = json.loads((folder / "manifest.json").read_text())
for entry in manifest["files"]:
    with (folder / entry["file"]).open(newline="", encoding="utf-8") as stream:
        rows = sum(1 for _ in csv.reader(stream)) - 1  # the header
    assert rows == entry["rows"], (entry, rows)
assert [f["rows"] > 0 for f in manifest["files"] if f["table"] == "claim_lines"] == [True]
print("export:", ", ".join(f"{f['rows']} {f['table']}" for f in manifest["files"]))
PY

if "$app" --help 2>/dev/null | grep -q superbill; then
  step "chargeclock superbill --visit $visit"
  timeout 120 "$app" superbill --db "$work/demo.sqlite3" --visit "$visit" -o "$work/out.pdf" \
    || fail "superbill failed"
  [ -s "$work/out.pdf" ] || fail "no PDF written"
  head -c 5 "$work/out.pdf" | grep -q '%PDF-' || fail "out.pdf is not a PDF"
  text=$(pdftotext -layout "$work/out.pdf" -) || fail "pdftotext cannot read out.pdf"
  code=$(grep -Eo '\b(97[0-9]{3}|G0283)\b' <<<"$text" | head -1 || true)
  [ -n "$code" ] || { echo "$text"; fail "no CPT code in the superbill text"; }
  echo "superbill PDF: $(wc -c <"$work/out.pdf") bytes, shows code $code"

  step "a statement for a patient named in Polish, Arabic and Chinese (the bundled fonts)"
  python3 - "$work/demo.sqlite3" "$visit" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute(
    "UPDATE patients SET last_name = ?, first_name = ? "
    "WHERE id = (SELECT patient_id FROM visits WHERE id = ?)",
    ("Wiśniewska 王", "محمد", int(sys.argv[2])),
)
conn.commit()
PY
  patient=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT patient_id FROM visits WHERE id = ?", (int(sys.argv[2]),)).fetchone()[0])' \
    "$work/demo.sqlite3" "$visit")
  timeout 120 "$app" superbill --db "$work/demo.sqlite3" --patient "$patient" \
    --from 2000-01-01 --to 2099-12-31 -o "$work/names.pdf" \
    || fail "a statement with a non-Latin name failed"
  fonts=$(pdffonts "$work/names.pdf") || fail "pdffonts cannot read names.pdf"
  grep -q 'DejaVuSans' <<<"$fonts" && grep -q 'WenQuanYiMicroHei' <<<"$fonts" \
    || { echo "$fonts"; fail "the bundled fonts are not embedded"; }
  names=$(pdftotext "$work/names.pdf" -) || fail "pdftotext cannot read names.pdf"
  grep -q 'Wiśniewska' <<<"$names" || fail "the Polish name is not in the PDF"
  echo "names set in the bundled fonts"
else
  step "chargeclock calc (this build has no superbill command)"
  result=$(echo '{"date_of_service": "2026-03-02", "services": [{"code": "97110", "pt_minutes": 23}]}' \
    | timeout 60 "$app" calc) || fail "calc failed"
  grep -q '"97110"' <<<"$result" || { echo "$result"; fail "calc did not bill 97110"; }
  echo "calc billed 97110"
fi

echo
echo "smoke test: passed"
