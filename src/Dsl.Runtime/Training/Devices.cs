using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Training;

public static class Devices
{
    /// <summary>"auto" is CUDA when TorchSharp finds it, else the CPU; "cpu", "cuda", "cuda:N" as PyTorch.</summary>
    public static Device Resolve(string name)
    {
        switch (name)
        {
            case "auto":
                return cuda.is_available() ? CUDA : CPU;
            case "cpu":
                return CPU;
            default:
                if (!name.StartsWith("cuda", StringComparison.Ordinal))
                    throw new ArgumentException($"unknown device '{name}'; expected auto, cpu, cuda or cuda:N", nameof(name));
                if (!cuda.is_available())
                    throw new InvalidOperationException($"device '{name}' was asked for but CUDA is not available (build with -p:CModelDevice=cuda on a machine with a GPU)");
                return new Device(name);
        }
    }
}
