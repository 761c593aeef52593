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
    /// <summary>One 64-bit popcount at a time (POPCNT through BitOperations.PopCount).</summary>
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
/// The packed kernels' inner loop: for one output position, the number of bits in which the input's
/// signs differ from each output's weight signs, summed over the kernel positions it reads. Weights
/// lie [position, word, output] with the outputs padded to a multiple of 8, so that one vector holds
/// the same word of 8 (or 4) outputs; the per-byte counts of the nibble table are summed in bytes
/// (at most 8 per byte per word, so 31 words before a byte could overflow) and widened once.
/// </summary>
internal static class XnorPopcount
{
    public static XnorIsa Best => Avx512BW.IsSupported ? XnorIsa.Avx512 : Avx2.IsSupported ? XnorIsa.Avx2 : XnorIsa.Scalar;

    private const int BytesBeforeWidening = 31;

    /// <summary>
    /// counts[o] = Σ over positions p and words k of popcount(input[inputOffsets[p] + k] ^ weights[weightOffsets[p] + k·padded + o]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Count(ReadOnlySpan<ulong> input, ReadOnlySpan<int> inputOffsets, ReadOnlySpan<ulong> weights, ReadOnlySpan<int> weightOffsets,
        int words, int padded, Span<ulong> counts, XnorIsa isa)
    {
        ref var x = ref MemoryMarshal.GetReference(input);
        ref var w = ref MemoryMarshal.GetReference(weights);
        ref var c = ref MemoryMarshal.GetReference(counts);
        var positions = inputOffsets.Length;
        switch (isa)
        {
            case XnorIsa.Avx512:
                for (var block = 0; block < padded; block += 8)
                {
                    var total = Vector512<ulong>.Zero;
                    var bytes = Vector512<byte>.Zero;
                    var pending = 0;
                    for (var p = 0; p < positions; p++)
                    {
                        for (var k = 0; k < words; k++)
                        {
                            var a = Vector512.Create(Unsafe.Add(ref x, inputOffsets[p] + k));
                            bytes += ByteCounts512(Vector512.LoadUnsafe(ref w, (nuint)(weightOffsets[p] + k * padded + block)) ^ a);
                            if (++pending == BytesBeforeWidening)
                            {
                                total += Avx512BW.SumAbsoluteDifferences(bytes, Vector512<byte>.Zero).AsUInt64();
                                (bytes, pending) = (Vector512<byte>.Zero, 0);
                            }
                        }
                    }
                    total += Avx512BW.SumAbsoluteDifferences(bytes, Vector512<byte>.Zero).AsUInt64();
                    total.StoreUnsafe(ref c, (nuint)block);
                }
                break;
            case XnorIsa.Avx2:
                for (var block = 0; block < padded; block += 4)
                {
                    var total = Vector256<ulong>.Zero;
                    var bytes = Vector256<byte>.Zero;
                    var pending = 0;
                    for (var p = 0; p < positions; p++)
                    {
                        for (var k = 0; k < words; k++)
                        {
                            var a = Vector256.Create(Unsafe.Add(ref x, inputOffsets[p] + k));
                            bytes += ByteCounts256(Vector256.LoadUnsafe(ref w, (nuint)(weightOffsets[p] + k * padded + block)) ^ a);
                            if (++pending == BytesBeforeWidening)
                            {
                                total += Avx2.SumAbsoluteDifferences(bytes, Vector256<byte>.Zero).AsUInt64();
                                (bytes, pending) = (Vector256<byte>.Zero, 0);
                            }
                        }
                    }
                    total += Avx2.SumAbsoluteDifferences(bytes, Vector256<byte>.Zero).AsUInt64();
                    total.StoreUnsafe(ref c, (nuint)block);
                }
                break;
            default:
                counts.Clear();
                for (var p = 0; p < positions; p++)
                {
                    for (var k = 0; k < words; k++)
                    {
                        var a = Unsafe.Add(ref x, inputOffsets[p] + k);
                        var row = weightOffsets[p] + k * padded;
                        for (var o = 0; o < padded; o++) Unsafe.Add(ref c, o) += (ulong)BitOperations.PopCount(Unsafe.Add(ref w, row + o) ^ a);
                    }
                }
                break;
        }
    }

    // Bits per byte from a 16-entry table indexed by each nibble (vpshufb looks up within 128-bit lanes).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> ByteCounts512(Vector512<ulong> x)
    {
        var table = Vector512.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var low = Vector512.Create((byte)0x0F);
        var lowNibbles = x.AsByte() & low;
        var highNibbles = Avx512BW.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & low;
        return Avx512BW.Shuffle(table, lowNibbles) + Avx512BW.Shuffle(table, highNibbles);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> ByteCounts256(Vector256<ulong> x)
    {
        var table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var low = Vector256.Create((byte)0x0F);
        var lowNibbles = x.AsByte() & low;
        var highNibbles = Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & low;
        return Avx2.Shuffle(table, lowNibbles) + Avx2.Shuffle(table, highNibbles);
    }
}
