"""Fail when a CI test run skipped browser tests, or ran no test at all.

Usage: check_junit.py REPORT.xml [REPORT.xml ...]
"""

import sys
import xml.etree.ElementTree as ET


def main(paths: list[str]) -> int:
    failed = False
    for path in paths:
        cases = list(ET.parse(path).getroot().iter("testcase"))
        browser = [c for c in cases if "tests.browser" in c.get("classname", "")]
        skipped_browser = [c for c in browser if c.find("skipped") is not None]
        skipped = [c for c in cases if c.find("skipped") is not None]
        print(
            f"{path}: {len(cases)} tests, {len(skipped)} skipped; "
            f"browser tests: {len(browser)} ({len(skipped_browser)} skipped)"
        )
        if not cases:
            print(f"  FAIL: {path} ran no test")
            failed = True
        if not browser or skipped_browser:
            print(f"  FAIL: browser tests missing or skipped in {path}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
