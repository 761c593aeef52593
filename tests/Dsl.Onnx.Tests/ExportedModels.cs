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

    public static IEnumerable<Type> All() => typeof(ExportedModels).Assembly.GetTypes()
        .Where(t => typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(t) && t.GetField("Macs") != null)
        .OrderBy(t => t.Name, StringComparer.Ordinal);

    public static Type Find(string name) => All().Single(t => t.Name == name);

    public static string SourceOf(string model) => Sources.Value[model];

    public static nn.Module<Tensor, Tensor> Create(Type type)
    {
        var ctor = type.GetConstructors().Single();
        return (nn.Module<Tensor, Tensor>)ctor.Invoke(ctor.GetParameters().Select(p => p.DefaultValue).ToArray());
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
