"""Every form-backed page fuzzed through the real views: hostile strings, huge numbers,
wrong dates and wrong ids (hypothesis, Django's test client, a lead or a manager).

For every example, whatever was posted:

* the answer is never a 500, nor is the page a success redirects to, nor any page that
  shows what was saved (every tab of the client, every page of the case, the calendar);
* the status is the expected one: 200 (the form again) or 302 (a success, or a refusal
  with a message), 404 for an id that does not exist or belongs to another client, 403
  where the user may see the object but not change it;
* a form shown again names the problem on the page, and a redirect without a success
  says why in a message;
* a form shown again, a refused action, a 403 or a 404 leaves the database exactly as it
  was: no row added or removed in any model of the project (histories, audit events and
  one-time tokens included), the edited row and its links unchanged, no file left in the
  private media folder. A refused access (a 403, or a 404 hiding someone else's client
  or case) adds its one audit event, nothing else;
* a success saved the row the form is about (exactly one new row for a "new" form), and
  what was typed comes back from the database as Django's form cleaning left it: strings
  stripped, the last value of a field posted twice, dates, amounts and ids parsed;
* when every field holds a valid value, the form takes it.

A third of the examples fill every field validly, a third spoil one field, a third mix
everything (fields left out, lists for single fields). Each example runs in a savepoint
that is rolled back afterwards, so every example starts from the same world, built once
per test in its body; row counts are compared per request, never as absolute numbers.
FUZZ_EXAMPLES=500 searches longer than the default 25; the examples are the same on every
run unless FUZZ_RANDOM=1 asks for new ones.

The bugs these tests found are fixed, and each is pinned at the end of its form's spec
module as a regression test with its failing input as an explicit `@example`.

harness.py holds the values, `submit` and its checks; conftest.py the `people` fixture;
each test_*.py module the forms of one app (test_cross_app_forms.py those that span both).
"""
