using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Dsl.Runtime.Data;

/// <summary>
/// The photographs the image-restoration samples train and test on: folders given by the user,
/// else Debian's wallpaper photographs to train on and the repository's data/photos (copied beside
/// the program) to test on.
/// </summary>
public static class Photographs
{
    /// <summary>The photographs among Debian's plasma-workspace-wallpapers (the others are drawings and renderings).</summary>
    private static readonly string[] Wallpapers =
        { "BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow", "FallenLeaf", "Grey", "Kite", "OneStandsOut", "Path", "summer_1am" };

    private const string WallpaperFolder = "/usr/share/wallpapers";

    /// <summary>
    /// The training and test files: the folders given; else the wallpaper photographs to train on
    /// and the shipped photographs to test on; else the shipped ones split two and two.
    /// </summary>
    public static (IReadOnlyList<string> Train, IReadOnlyList<string> Test, string Source) Choose(string? train, string? test)
    {
        if (train != null || test != null)
        {
            if (train == null || test == null) throw new ArgumentException("give both --train DIR and --test DIR, or neither");
            return (SuperResolutionData.ImagesIn(train), SuperResolutionData.ImagesIn(test), $"{train} (training), {test} (test)");
        }
        var shipped = SuperResolutionData.ImagesIn(Path.Combine(AppContext.BaseDirectory, "data", "photos"));
        var wallpapers = Wallpapers.Select(Largest).OfType<string>().ToList();
        if (wallpapers.Count > 0)
            return (wallpapers, shipped, $"{wallpapers.Count} photographs of Debian's plasma-workspace-wallpapers (training), the {shipped.Count} shipped in data/photos (test)");
        var byName = shipped.ToDictionary(f => Path.GetFileNameWithoutExtension(f)!);
        return (new[] { byName["coffee"], byName["rocket"] }, new[] { byName["astronaut"], byName["chelsea"] },
            "the photographs shipped in data/photos, two to train on and two to test on (install plasma-workspace-wallpapers for more)");
    }

    /// <summary>A short name: a wallpaper's folder, else the file's name.</summary>
    public static string Name(string path) =>
        path.StartsWith(WallpaperFolder, StringComparison.Ordinal) ? path.Split('/')[4] : Path.GetFileNameWithoutExtension(path);

    private static string? Largest(string wallpaper)
    {
        var images = Path.Combine(WallpaperFolder, wallpaper, "contents", "images");
        if (!Directory.Exists(images)) return null;
        return Directory.GetFiles(images).Where(ImageFiles.IsImage).OrderByDescending(f => new FileInfo(f).Length).FirstOrDefault();
    }
}
