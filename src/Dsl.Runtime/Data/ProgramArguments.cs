using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Dsl.Runtime.Data;

/// <summary>
/// The command line of a training program: named options (<c>--epochs 6</c>, lists as
/// <c>--seeds 0,1,2</c>), flags (<c>--subset</c>), and where Fashion-MNIST comes from
/// (<c>--data DIR</c>; <c>--subset</c> or no system package: the shipped subset; else the full
/// set). A malformed value is an error that names the option.
/// </summary>
public sealed class ProgramArguments
{
    private readonly string[] _args;

    public ProgramArguments(string[] args) => _args = args;

    public bool Flag(string name) => _args.Contains(name);

    /// <summary>The value after <paramref name="name"/>, or null when the option is absent.</summary>
    public string? String(string name)
    {
        var at = Array.IndexOf(_args, name);
        if (at < 0) return null;
        if (at + 1 == _args.Length || _args[at + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"{name} needs a value");
        return _args[at + 1];
    }

    public int Int(string name, int fallback) => String(name) is { } text ? ParseInt(name, text) : fallback;

    public double Double(string name, double fallback) =>
        String(name) is not { } text ? fallback
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"{name}: expected a number such as 0.05, not '{text}'");

    /// <summary>A comma-separated list, or <paramref name="fallback"/> when the option is absent.</summary>
    public IReadOnlyList<string> List(string name, IEnumerable<string> fallback) =>
        String(name) is { } text ? text.Split(',', StringSplitOptions.TrimEntries) : fallback.ToList();

    public IReadOnlyList<int> IntList(string name, IEnumerable<int> fallback) =>
        String(name) is { } text ? text.Split(',', StringSplitOptions.TrimEntries).Select(item => ParseInt(name, item)).ToList() : fallback.ToList();

    /// <summary>True when the program trains on the shipped subset: asked for, or no full set installed and no --data.</summary>
    public bool Subset => Flag("--subset") || !Directory.Exists(FashionMnist.SystemFolder) && String("--data") == null;

    /// <summary>Fashion-MNIST's training and test splits from where the arguments say.</summary>
    public (ImageClassificationData Train, ImageClassificationData Test) LoadFashionMnist() =>
        FashionMnist.Load(FashionMnist.Locate(String("--data"), full: !Subset));

    private static int ParseInt(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"{name}: expected a whole number, not '{text}'");
}
