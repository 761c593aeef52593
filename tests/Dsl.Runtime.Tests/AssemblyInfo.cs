// TorchSharp's random-number generator is process-wide: tests that seed it and expect exact
// weights cannot share the process with tests drawing from it at the same time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
