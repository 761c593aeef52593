using System;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace Dsl.Runtime.Data;

/// <summary>An IDX file (the MNIST format): unsigned bytes with their dimensions.</summary>
public sealed record IdxFile(int[] Dimensions, byte[] Data)
{
    /// <summary>Reads a plain or gzipped IDX file of unsigned bytes, checking its header and length.</summary>
    public static IdxFile Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such IDX file", path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
            if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gzip.CopyTo(plain);
                // .NET returns nothing, rather than failing, for a stream cut inside its header.
                if (plain.Length == 0) throw new InvalidDataException("no data: truncated or empty");
                bytes = plain.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"corrupt gzip stream ({e.Message})");
        }
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new DataFormatException(path, "not an IDX file (its first two bytes must be zero)");
        if (bytes[2] != 0x08)
            throw new DataFormatException(path, $"IDX element type 0x{bytes[2]:x2} is not supported; expected 0x08 (unsigned bytes)");
        var rank = bytes[3];
        if (rank == 0 || bytes.Length < 4 + 4 * rank)
            throw new DataFormatException(path, $"truncated IDX header (rank {rank}, {bytes.Length} bytes)");
        var dims = Enumerable.Range(0, rank).Select(i => ReadBigEndian(bytes, 4 + 4 * i)).ToArray();
        if (dims.Any(d => d <= 0))
            throw new DataFormatException(path, $"IDX dimensions must be positive but are [{string.Join(", ", dims)}]");
        var actual = bytes.Length - 4 - 4 * rank;
        // In a double, so that huge dimensions cannot wrap into a plausible count.
        var expected = dims.Aggregate(1.0, (a, d) => a * d);
        if (expected != actual)
            throw new DataFormatException(path, $"expected {expected:N0} data bytes for dimensions [{string.Join(", ", dims)}] but found {actual:N0} (truncated or corrupt)");
        var data = new byte[actual];
        Array.Copy(bytes, 4 + 4 * rank, data, 0, actual);
        return new IdxFile(dims, data);
    }

    private static int ReadBigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}
