// Each scenario runs a whole farm under load; one at a time keeps the recovery figures free of another farm's load.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
