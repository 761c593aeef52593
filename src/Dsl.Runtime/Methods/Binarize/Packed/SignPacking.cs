using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit.Packed;

/// <summary>
/// Signs packed 64 to a 64-bit word, bit i of word k for channel 64k + i: set where the value is
/// ≥ 0 (+1, as the runtime's sign takes zero, −0 included), clear where it is negative; bits past
/// the last channel stay clear in inputs and weights alike, so they never differ.
/// </summary>
internal static class SignPacking
{
    public static int Words(long channels) => (int)((channels + 63) / 64);

    /// <summary>
    /// Packs a tensor whose channels are on <paramref name="channelAxis"/> into [positions, words]:
    /// every other axis, in order, makes the positions (pixels of each sample, rows of a matrix).
    /// </summary>
    public static ulong[] Pack(Tensor values, long channelAxis)
    {
        var rank = (int)values.dim();
        var order = new long[rank];
        var k = 0;
        for (var d = 0; d < rank; d++) if (d != channelAxis) order[k++] = d;
        order[rank - 1] = channelAxis;
        using var channelsLast = values.detach().cpu().to_type(ScalarType.Float32).permute(order).contiguous();
        var channels = (int)values.shape[channelAxis];
        var floats = MemoryMarshal.Cast<byte, float>(channelsLast.bytes);
        return Pack(floats, channels);
    }

    /// <summary>Packs [positions, channels] floats, channels contiguous, into [positions, words].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong[] Pack(ReadOnlySpan<float> values, int channels)
    {
        var words = Words(channels);
        var positions = values.Length / channels;
        var packed = new ulong[(long)positions * words];
        ref var first = ref MemoryMarshal.GetReference(values);
        for (var p = 0; p < positions; p++)
        {
            var row = (nuint)((long)p * channels);
            var c = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // Eight signs at a time: the comparison's lanes are all ones where x ≥ 0.
                for (; c + 8 <= channels; c += 8)
                {
                    var nonNegative = Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref first, row + (nuint)c), Vector256<float>.Zero);
                    packed[(long)p * words + (c >> 6)] |= (ulong)nonNegative.ExtractMostSignificantBits() << (c & 63);
                }
            }
            for (; c < channels; c++)
            {
                if (Unsafe.Add(ref first, row + (nuint)c) >= 0) packed[(long)p * words + (c >> 6)] |= 1UL << (c & 63);
            }
        }
        return packed;
    }
}
