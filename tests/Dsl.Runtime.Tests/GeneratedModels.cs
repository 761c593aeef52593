using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>The model classes the generator emitted into this test assembly.</summary>
internal static class GeneratedModels
{
    public static IEnumerable<Type> All() => typeof(GeneratedModels).Assembly.GetTypes()
        .Where(t => typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(t) && t.GetField("Macs") != null)
        .OrderBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>Builds a model with its default constructor arguments.</summary>
    public static nn.Module<Tensor, Tensor> Create(Type type)
    {
        var ctor = type.GetConstructors().Single();
        return (nn.Module<Tensor, Tensor>)ctor.Invoke(ctor.GetParameters().Select(p => p.DefaultValue).ToArray());
    }

    public static long[] Shape(Type type, string property)
    {
        // ReadOnlySpan<long> cannot be boxed: call the getter through a delegate of the right type.
        var getter = type.GetProperty(property, BindingFlags.Public | BindingFlags.Static)!.GetGetMethod()!;
        var read = getter.CreateDelegate<SpanGetter>();
        return read().ToArray();
    }

    private delegate ReadOnlySpan<long> SpanGetter();
}
