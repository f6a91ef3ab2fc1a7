#!/usr/bin/env bash
# Runs every property and fuzz target for MINUTES minutes each, one after
# the other, and prints a table of the cases executed and the failures.
# Exits non-zero if any target failed (a panic or a broken property: the
# shrunk input is in the target's log and in the crate's
# proptest-regressions/ file, which the next run replays first).
#
#   tests/fuzz/run.sh MINUTES [FILTER]
#
# FILTER keeps only the targets whose label contains it (e.g. `seal`).
# The gate's short pass is the same tests without PORTDESK_FUZZ_SECS, in
# the normal `cargo test`. What each target checks: docs/reliability.md.
set -euo pipefail

minutes=${1:?usage: tests/fuzz/run.sh MINUTES [FILTER]}
filter=${2:-}
if ! [[ $minutes =~ ^[0-9]+$ ]] || [ "$minutes" -eq 0 ]; then
  echo "MINUTES must be a whole number above 0, not '$minutes'" >&2
  exit 2
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/cargo-env.sh

# label | test binary | package dir (the binary's working directory, as
# under cargo test) | test name
targets=(
  "domain::validate_declaration|domain|crates/domain|props::validate_declaration_perturbed"
  "domain::validate_origin_application|domain|crates/domain|props::validate_origin_application_perturbed"
  "domain::application_from_declaration|domain|crates/domain|props::origin_application_from_perturbed_declaration"
  "drafts::import_arbitrary_text|drafts|crates/drafts|interchange_props::import_arbitrary_text"
  "drafts::import_mutated_files|drafts|crates/drafts|interchange_props::import_mutated_valid_files"
  "drafts::import_damaged_bytes|drafts|crates/drafts|interchange_props::import_damaged_bytes"
  "drafts::round_trip|drafts|crates/drafts|interchange_props::valid_files_round_trip_exactly"
  "seal::open_arbitrary|seal|crates/seal|props::open_arbitrary_input"
  "seal::flipped_never_opens|seal|crates/seal|props::flipped_seals_never_open"
  "seal::substituted_never_opens|seal|crates/seal|props::substituted_characters_never_open"
  "message::read_arbitrary|message|crates/message|props::read_arbitrary_bytes"
  "message::read_damaged|message|crates/message|props::read_damaged_messages"
  "message::modification_amendments|message|crates/message|modification::random_amendments_of_generated_declarations_round_trip"
  "message::modification_read_arbitrary|message|crates/message|modification::arbitrary_bytes_never_panic"
  "sync::simulation|sync|crates/sync|simulation::exactly_once_under_faults_and_crashes"
)

echo "building the test binaries once" >&2
cargo test --workspace --features "$PORTDESK_TEST_FEATURES" --no-run

logs=$(mktemp -d)
declare -A bins
rows=()
failed=0
for t in "${targets[@]}"; do
  IFS='|' read -r label bin dir test <<<"$t"
  if [ -n "$filter" ] && [[ $label != *"$filter"* ]]; then
    continue
  fi
  if [ -z "${bins[$bin]:-}" ]; then
    bins[$bin]=$(test_binary "$bin")
  fi
  log="$logs/${label//::/_}.log"
  echo "== $label: $minutes min ($log)" >&2
  status=0
  (cd "$dir" && PORTDESK_FUZZ_SECS=$((minutes * 60)) "${bins[$bin]}" \
      --exact "$test" --nocapture --test-threads 1) >"$log" 2>&1 || status=$?
  # Not anchored: the harness's "test NAME ... " precedes it on the line.
  line=$(grep -oE "fuzz target $label: .*" "$log" | tail -n 1 || true)
  if [[ $line =~ :\ ([0-9]+)\ cases,\ ([0-9]+)\ failures,\ ([0-9.]+)\ s ]]; then
    cases=${BASH_REMATCH[1]} failures=${BASH_REMATCH[2]} secs=${BASH_REMATCH[3]}
  else
    # No summary line: the target died before it could print one.
    cases="?" failures="1 (no summary)" secs="?"
  fi
  if [ "$status" -ne 0 ]; then
    failed=1
    [ "$failures" = 0 ] && failures="1 (exit $status)"
    echo "   FAILED (exit $status); last lines of the log:" >&2
    tail -n 20 "$log" >&2
  fi
  rows+=("| $label | $minutes | $cases | $failures | $secs |")
done

if [ ${#rows[@]} -eq 0 ]; then
  echo "no target matches '$filter'" >&2
  exit 2
fi
echo
echo "| target | minutes | cases | failures | seconds |"
echo "| --- | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo
echo "logs: $logs"
exit "$failed"
