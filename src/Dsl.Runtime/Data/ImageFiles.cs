using System;
using System.IO;
using SkiaSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>PNG and JPEG files as tensors, decoded with SkiaSharp.</summary>
public static class ImageFiles
{
    public static bool IsImage(string path) =>
        path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase);

    /// <summary>An RGB image as a float tensor [3, H, W] in [0, 1].</summary>
    public static Tensor Decode(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such image", path);
        using var codec = SKCodec.Create(path) ?? throw new DataFormatException(path, "not a readable PNG or JPEG image");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var rgba = new SKBitmap(info);
        // A truncated file decodes in part (IncompleteInput) with the rest left blank: refuse it.
        var decoded = codec.GetPixels(info, rgba.GetPixels());
        if (decoded != SKCodecResult.Success)
            throw new DataFormatException(path, $"the image is truncated or corrupt (decoding ended with {decoded})");
        var bytes = rgba.Bytes;
        using var raw = tensor(bytes, new long[] { rgba.Height, rgba.Width, 4 });
        using var rgb = raw.narrow(2, 0, 3).permute(2, 0, 1);
        return rgb.to_type(ScalarType.Float32).div_(255f);
    }

    /// <summary>Writes a [3, H, W] tensor in [0, 1] as a PNG.</summary>
    public static void SavePng(Tensor image, string path)
    {
        if (image.dim() != 3 || image.shape[0] != 3) throw new ArgumentException($"expected an image [3, H, W] but got [{string.Join(", ", image.shape)}]", nameof(image));
        var (h, w) = ((int)image.shape[1], (int)image.shape[2]);
        using var bytes = image.clamp(0, 1).mul(255).round().to_type(ScalarType.Byte).permute(1, 2, 0).contiguous();
        using var alpha = full(new long[] { h, w, 1 }, 255, ScalarType.Byte);
        using var rgba = cat(new[] { bytes, alpha }, 2).contiguous();
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        System.Runtime.InteropServices.Marshal.Copy(rgba.bytes.ToArray(), 0, bitmap.GetPixels(), h * w * 4);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var temporary = path + ".tmp";
        using (var file = File.Create(temporary)) data.SaveTo(file);
        File.Move(temporary, path, overwrite: true);
    }
}
