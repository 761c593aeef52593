// TorchSharp's random-number generator is process-wide: tests that seed it cannot run side by side.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
