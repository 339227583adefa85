// Each test runs a whole farm; one at a time keeps the convergence figures free of another farm's load.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
