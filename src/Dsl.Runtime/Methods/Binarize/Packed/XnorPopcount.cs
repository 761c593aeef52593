using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dsl.Runtime.LowBit.Packed;

/// <summary>The instruction set the packed binary kernels count bits with.</summary>
public enum XnorIsa
{
    /// <summary>One 64-bit popcount at a time (BitOperations.PopCount).</summary>
    Scalar,

    /// <summary>Four 64-bit lanes: XOR, then the nibble table (vpshufb) and vpsadbw.</summary>
    Avx2,

    /// <summary>
    /// Eight 64-bit lanes: XOR, then the nibble table and vpsadbw on 512-bit vectors (AVX-512BW).
    /// .NET 10 exposes no intrinsic for VPOPCNTQ (AVX-512 VPOPCNTDQ), which would count in one instruction.
    /// </summary>
    Avx512,
}

/// <summary>
/// The inner loop of the packed kernels: for one word of an input's signs, the number of bits in
/// which it differs from the same word of every output's weights, added to each output's count.
/// Weights are laid out with the outputs innermost, padded to a multiple of 8, so that one vector
/// holds the same word of 8 (or 4) outputs.
/// </summary>
internal static class XnorPopcount
{
    public static XnorIsa Best =>
        Avx512BW.IsSupported ? XnorIsa.Avx512 : Avx2.IsSupported ? XnorIsa.Avx2 : XnorIsa.Scalar;

    /// <summary>counts[o] += popcount(input ^ weights[o]) for every o of <paramref name="counts"/> (a multiple of 8 long).</summary>
    public static void Accumulate(ulong input, ReadOnlySpan<ulong> weights, Span<ulong> counts, XnorIsa isa)
    {
        ref var w = ref MemoryMarshal.GetReference(weights);
        ref var c = ref MemoryMarshal.GetReference(counts);
        var n = (nuint)counts.Length;
        switch (isa)
        {
            case XnorIsa.Avx512:
            {
                var a = Vector512.Create(input);
                for (nuint o = 0; o < n; o += 8)
                {
                    var bits = PopCount512(Vector512.LoadUnsafe(ref w, o) ^ a);
                    (Vector512.LoadUnsafe(ref c, o) + bits).StoreUnsafe(ref c, o);
                }
                break;
            }
            case XnorIsa.Avx2:
            {
                var a = Vector256.Create(input);
                for (nuint o = 0; o < n; o += 4)
                {
                    var bits = PopCount256(Vector256.LoadUnsafe(ref w, o) ^ a);
                    (Vector256.LoadUnsafe(ref c, o) + bits).StoreUnsafe(ref c, o);
                }
                break;
            }
            default:
                for (nuint o = 0; o < n; o++) Unsafe.Add(ref c, o) += (ulong)BitOperations.PopCount(Unsafe.Add(ref w, o) ^ input);
                break;
        }
    }

    // Bits per byte from a 16-entry table indexed by each nibble (per 128-bit lane), then summed per 64-bit lane.
    private static Vector512<ulong> PopCount512(Vector512<ulong> x)
    {
        var table = Vector512.Create(Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4),
            Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
        var low = Vector512.Create((byte)0x0F);
        var lowNibbles = x.AsByte() & low;
        var highNibbles = Avx512BW.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & low;
        var perByte = Avx512BW.Shuffle(table, lowNibbles) + Avx512BW.Shuffle(table, highNibbles);
        return Avx512BW.SumAbsoluteDifferences(perByte, Vector512<byte>.Zero).AsUInt64();
    }

    private static Vector256<ulong> PopCount256(Vector256<ulong> x)
    {
        var table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var low = Vector256.Create((byte)0x0F);
        var bytes = x.AsByte();
        var lowNibbles = bytes & low;
        var highNibbles = Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & low;
        var perByte = Avx2.Shuffle(table, lowNibbles) + Avx2.Shuffle(table, highNibbles);
        return Avx2.SumAbsoluteDifferences(perByte, Vector256<byte>.Zero).AsUInt64();
    }
}
