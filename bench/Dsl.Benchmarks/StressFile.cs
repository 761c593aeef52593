using System.Text;

namespace Dsl.Benchmarks;

/// <summary>A generated model of exactly <c>layers</c> layers: conv → batch_norm → relu cycles.</summary>
public static class StressFile
{
    public static string Create(int layers)
    {
        var text = new StringBuilder("model Stress {\n    input x: [N, 16, 32, 32]\n    h = x\n");
        var kinds = new[] { "conv2d(16, kernel: 3, padding: 1)", "batch_norm", "relu" };
        for (var i = 0; i < layers; i++) text.Append($"    h = h -> {kinds[i % 3]}\n");
        text.Append("    output h\n}\n");
        return text.ToString();
    }
}
