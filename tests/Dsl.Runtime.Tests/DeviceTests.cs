using Dsl.Runtime.Training;
using TorchSharp;

namespace Dsl.Runtime.Tests;

public class DeviceTests
{
    [Fact]
    public void Auto_and_cpu_resolve_on_a_machine_without_cuda()
    {
        Assert.Equal(DeviceType.CPU, Devices.Resolve("cpu").type);
        Assert.Equal(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, Devices.Resolve("auto").type);
    }

    [Fact]
    public void An_unknown_device_is_named_in_the_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Devices.Resolve("tpu"));
        Assert.StartsWith("unknown device 'tpu'; expected auto, cpu, cuda or cuda:N", error.Message);
    }

    [Fact]
    public void Asking_for_cuda_without_it_says_how_to_get_it()
    {
        if (torch.cuda.is_available()) return;
        var error = Assert.Throws<InvalidOperationException>(() => Devices.Resolve("cuda"));
        Assert.Contains("CUDA is not available", error.Message);
    }
}
