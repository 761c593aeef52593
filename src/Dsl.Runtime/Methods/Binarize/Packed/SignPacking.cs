using System;

namespace Dsl.Runtime.LowBit.Packed;

/// <summary>
/// Signs packed 64 to a 64-bit word, bit i of word k for channel 64k + i: set where the value is
/// ≥ 0 (+1, as the runtime's sign takes zero), clear where it is negative; bits past the last
/// channel stay clear in inputs and weights alike, so they never differ.
/// </summary>
internal static class SignPacking
{
    public static int Words(long channels) => (int)((channels + 63) / 64);

    /// <summary>
    /// Packs <paramref name="values"/> laid out [outer, channels, inner] into [outer, inner, words]:
    /// the channels of each position (a pixel, a row) contiguous.
    /// </summary>
    public static ulong[] ChannelsLast(ReadOnlySpan<float> values, int outer, int channels, int inner)
    {
        var words = Words(channels);
        var packed = new ulong[(long)outer * inner * words];
        for (var o = 0; o < outer; o++)
        {
            for (var ch = 0; ch < channels; ch++)
            {
                var plane = values.Slice((o * channels + ch) * inner, inner);
                var (word, bit) = (ch >> 6, 1UL << (ch & 63));
                var baseIndex = (long)o * inner * words + word;
                for (var p = 0; p < inner; p++)
                {
                    if (plane[p] >= 0) packed[baseIndex + (long)p * words] |= bit;
                }
            }
        }
        return packed;
    }
}
