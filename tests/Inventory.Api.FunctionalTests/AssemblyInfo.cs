// WebApplicationFactory intercepts whichever host is being built in the process at that moment: two
// factories starting at once can be handed each other's host (and database). One class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
