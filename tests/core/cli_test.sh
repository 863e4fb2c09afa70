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
"$kervan" 2>/dev/null; [ $? -eq 2 ] || fail "missing --db should exit 2"
echo "cli: ok"
