"""One search over initiatives, offers, questions, threads and articles."""
