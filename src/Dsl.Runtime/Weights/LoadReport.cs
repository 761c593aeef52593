using System.Collections.Generic;
using System.Linq;

namespace Dsl.Runtime.Weights;

public sealed record ShapeMismatch(string Key, long[] Expected, long[] Found)
{
    public override string ToString() => $"{Key}: model [{string.Join(", ", Expected)}], file [{string.Join(", ", Found)}]";
}

/// <summary>How a file's tensors matched a model's state dict, key by key.</summary>
public sealed record LoadReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, IReadOnlyList<ShapeMismatch> Mismatched)
{
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    public override string ToString()
    {
        var lines = new List<string> { $"{Loaded.Count} tensors loaded" };
        if (Missing.Count > 0) lines.Add($"missing from the file ({Missing.Count}): {string.Join(", ", Missing)}");
        if (Unexpected.Count > 0) lines.Add($"not in the model ({Unexpected.Count}): {string.Join(", ", Unexpected)}");
        if (Mismatched.Count > 0) lines.Add($"different shapes ({Mismatched.Count}): {string.Join("; ", Mismatched.Select(m => m.ToString()))}");
        return string.Join("\n", lines);
    }
}
