"""Plain modules the actions and views share that are neither reads for a page nor writes."""
