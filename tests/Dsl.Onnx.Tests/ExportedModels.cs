using System.Reflection;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Onnx.Tests;

/// <summary>The model classes the generator emitted into this assembly, and the .cmodel file each came from.</summary>
internal static partial class ExportedModels
{
    private static readonly Lazy<Dictionary<string, string>> Sources = new(() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "cmodel"), "*.cmodel", SearchOption.AllDirectories)
            .SelectMany(path => ModelLine().Matches(File.ReadAllText(path)).Select(m => (m.Groups[1].Value, path)))
            .ToDictionary(p => p.Item1, p => p.path, StringComparer.Ordinal));

    /// <summary>The models of one input (a tensor, or named outputs such as DETR's logits and boxes).</summary>
    public static IEnumerable<Type> All() => typeof(ExportedModels).Assembly.GetTypes()
        .Where(t => typeof(nn.Module).IsAssignableFrom(t) && t.GetField("Macs") != null && t.GetMethod("forward", new[] { typeof(Tensor) }) != null)
        .OrderBy(t => t.Name, StringComparer.Ordinal);

    public static Type Find(string name) => All().Single(t => t.Name == name);

    public static string SourceOf(string model) => Sources.Value[model];

    public static nn.Module Create(Type type)
    {
        var ctor = type.GetConstructors().Single();
        return (nn.Module)ctor.Invoke(ctor.GetParameters().Select(p => p.DefaultValue).ToArray());
    }

    /// <summary>The model's outputs for <paramref name="input"/>, in order: its tensor, or its named outputs.</summary>
    public static IReadOnlyList<Tensor> Forward(nn.Module model, Tensor input)
    {
        var result = model.GetType().GetMethod("forward", new[] { typeof(Tensor) })!.Invoke(model, new object[] { input });
        return result is Tensor t ? new[] { t } : ((Dsl.Runtime.INamedTensors)result!).Named.Select(n => n.Tensor).ToList();
    }

    public static long[] InputShape(Type type, long batch)
    {
        var getter = type.GetProperty("InputShape", BindingFlags.Public | BindingFlags.Static)!.GetGetMethod()!;
        return getter.CreateDelegate<SpanGetter>()().ToArray().Select(d => d < 0 ? batch : d).ToArray();
    }

    private delegate ReadOnlySpan<long> SpanGetter();

    [GeneratedRegex(@"^model\s+([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.Multiline)]
    private static partial Regex ModelLine();
}
