using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit.Packed;

/// <summary>
/// The address of a CPU tensor's memory, for the kernels' parallel writers (a span cannot cross
/// into Parallel.For's lambdas). LibTorch owns that memory, so nothing moves it; the caller keeps
/// the tensor alive while writing.
/// </summary>
internal static unsafe class TensorMemory
{
    public static nint Address(Tensor tensor)
    {
        if (!tensor.is_contiguous() || tensor.device_type != TorchSharp.DeviceType.CPU || tensor.dtype != ScalarType.Float32)
            throw new ArgumentException("the kernels write contiguous float32 CPU tensors", nameof(tensor));
        fixed (byte* start = tensor.bytes) return (nint)start;
    }
}
