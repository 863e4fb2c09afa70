#!/usr/bin/env bash
# Drives the kervan CLI as a person or a script would: one-shot calls and the stdin protocol.
set -u
kervan="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="$dir/test.db"
fail() { echo "FAIL: $*"; exit 1; }

out=$("$kervan" --db "$db" call lead.create '{"name": "Şükrü Işık", "company": "Işık Makine A.Ş."}') || fail "create exited $?"
echo "$out" | grep -q '"name":"Şükrü Işık"' || fail "create reply: $out"

out=$("$kervan" --db "$db" call lead.list '{"query": "sukru isik"}') || fail "list exited $?"
echo "$out" | grep -q '"total":1' || fail "list reply: $out"

out=$("$kervan" --db "$db" call lead.create '{"name": ')
[ $? -eq 1 ] || fail "malformed JSON should exit 1"
echo "$out" | grep -q '"code":"invalid_json"' || fail "malformed reply: $out"

out=$("$kervan" --db "$db" call no.such '{}')
echo "$out" | grep -q '"code":"unknown_command"' || fail "unknown reply: $out"

out=$(printf '%s\n' \
  '{"command": "lead.create", "args": {"name": "Ayşe"}, "request_id": 1}' \
  'this is not json' \
  $'{"command": "lead.create", "args": {"name": "Ali\xff"}}' \
  '{"command": "lead.list", "args": {"query": "AYSE"}, "request_id": 3}' | "$kervan" --db "$db")
[ "$(echo "$out" | wc -l)" -eq 4 ] || fail "expected 4 replies, got: $out"
echo "$out" | sed -n 1p | grep -q '"request_id":1' || fail "line 1: $out"
echo "$out" | sed -n 2p | grep -q '"invalid_json"' || fail "line 2: $out"
echo "$out" | sed -n 3p | grep -q '"invalid_utf8"' || fail "line 3: $out"
echo "$out" | sed -n 4p | grep -q '"total":1' || fail "line 4: $out"

out=$("$kervan" --db "$db" call app.info) || fail "app.info exited $?"
echo "$out" | grep -q '"leads":2' || fail "app.info: $out"

"$kervan" --db "$db" commands | grep -q '^lead.list' || fail "commands listing"

# --clock-from-requests: "at" dates what the request writes (the benchmark replays history).
hist="$dir/history.db"
out=$(printf '%s\n' \
  '{"command": "lead.create", "args": {"name": "Eski Ziyaretçi"}, "at": "2025-01-15T09:00:00Z"}' \
  '{"command": "lead.create", "args": {"name": "Kayıp Saat"}, "at": "dün", "request_id": 7}' \
  '{"command": "lead.list", "args": {}}' | "$kervan" --db "$hist" --clock-from-requests)
echo "$out" | sed -n 1p | grep -q '"created_at":"2025-01-15T09:00:00' || fail "at line 1: $out"
echo "$out" | sed -n 2p | grep -q '"field":"at".*"request_id":7\|"request_id":7.*"field":"at"' || fail "bad at: $out"
echo "$out" | sed -n 3p | grep -q '"total":1' || fail "a refused at must create nothing: $out"

# Sync files: export from one database, import into another, as an office desktop would.
other="$dir/other.db"
"$kervan" --db "$db" call device.set_name '{"name": "Masaüstü"}' >/dev/null || fail "set_name"
out=$("$kervan" --db "$db" export "$dir/all.json") || fail "export exited $?: $out"
echo "$out" | grep -q '"file":' || fail "export reply: $out"
grep -q '"format": "kervan-sync"' "$dir/all.json" || fail "export file: $(head -c 300 "$dir/all.json")"
out=$("$kervan" --db "$other" import "$dir/all.json") || fail "import exited $?: $out"
echo "$out" | grep -q '"name":"Masaüstü"' || fail "import report source: $out"
out=$("$kervan" --db "$other" call lead.list '{"query": "sukru"}')
echo "$out" | grep -q '"total":1' || fail "imported lead: $out"
out=$("$kervan" --db "$other" import "$dir/all.json") || fail "second import exited $?"
echo "$out" | grep -q '"added":0' || fail "second import added something: $out"
[ "$("$kervan" --db "$db" call sync.digest | grep -o '"digest":"[0-9a-f]*"')" = \
  "$("$kervan" --db "$other" call sync.digest | grep -o '"digest":"[0-9a-f]*"')" ] || fail "digests differ after import"

"$kervan" --db "$db" export "$dir/p1.json" --since-peer office >/dev/null || fail "since-peer export 1"
"$kervan" --db "$db" call lead.create '{"name": "Yeni Gelen"}' >/dev/null
"$kervan" --db "$db" export "$dir/p2.json" --since-peer office >/dev/null || fail "since-peer export 2"
[ "$(grep -c '"entity": "lead"' "$dir/p2.json")" -eq 1 ] || fail "since-peer export holds more than the new lead"

sed 's/"version": 2$/"version": 9/' "$dir/all.json" > "$dir/newer.json"
out=$("$kervan" --db "$other" import "$dir/newer.json")
[ $? -eq 1 ] || fail "a newer format should exit 1"
echo "$out" | grep -q '"code":"unsupported_version"' || fail "newer format reply: $out"
echo 'not json' > "$dir/bad.json"
out=$("$kervan" --db "$other" import "$dir/bad.json")
[ $? -eq 1 ] || fail "a malformed file should exit 1"
echo "$out" | grep -q '"code":"invalid_json"' || fail "malformed file reply: $out"
"$kervan" --db "$other" import "$dir/missing.json" 2>/dev/null; [ $? -eq 1 ] || fail "a missing file should exit 1"
"$kervan" --db "$other" export 2>/dev/null; [ $? -eq 2 ] || fail "export without a file should exit 2"
"$kervan" 2>/dev/null; [ $? -eq 2 ] || fail "missing --db should exit 2"
echo "cli: ok"
