using System.Reflection;
using Dsl.Parser.Binding;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;
using static TorchSharp.torch;
using ScalarType = Dsl.Parser.Semantics.ScalarType;

namespace Dsl.Runtime.Tests;

/// <summary>The front end and the runtime agree: factory names, argument names and defaults.</summary>
public class ContractTests
{
    public static IEnumerable<object[]> LayerNames() => LayerCatalog.All.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Each_layer_has_a_factory_taking_its_arguments_with_the_same_defaults(string layer)
    {
        var spec = LayerCatalog.All[layer];
        var factories = typeof(Layers).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == CSharpNames.Pascal(layer) && m.ReturnType != typeof(Tensor)).ToList();
        var factory = Assert.Single(factories);
        var parameters = factory.GetParameters().ToDictionary(p => p.Name!);
        foreach (var arg in spec.Parameters)
        {
            Assert.True(parameters.TryGetValue(CSharpNames.Camel(arg.Name), out var p), $"Layers.{factory.Name} has no parameter {CSharpNames.Camel(arg.Name)}");
            if (arg.Required)
            {
                Assert.False(p!.HasDefaultValue, $"{layer}.{arg.Name} is required but the factory has a default");
                continue;
            }
            Assert.True(p!.HasDefaultValue, $"{layer}.{arg.Name} has a default in the language but not in Layers.{factory.Name}");
            switch (arg.Default)
            {
                case ScalarValue { Type: ScalarType.Bool } b: Assert.Equal(b.AsBool, p.DefaultValue); break;
                case ScalarValue { Type: ScalarType.Float } f: Assert.Equal(f.Concrete, Convert.ToDouble(p.DefaultValue)); break;
                case ScalarValue s when arg.Kind == ArgKind.Int: Assert.Equal(s.AsLong, Convert.ToInt64(p.DefaultValue)); break;
                case WordValue w: Assert.Equal(w.Word, p.DefaultValue); break;
            }
        }
    }

    [Fact]
    public void Reserved_names_cover_every_member_of_a_torchsharp_module()
    {
        var members = typeof(nn.Module<Tensor, Tensor>)
            .GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.FlattenHierarchy)
            .Where(m => m is MethodInfo { IsSpecialName: false, IsPrivate: false, IsAssembly: false } or PropertyInfo or FieldInfo { IsPrivate: false, IsAssembly: false })
            .Where(m => m is not PropertyInfo prop || prop.GetMethod is { IsPrivate: false, IsAssembly: false })
            .Select(m => m.Name)
            .Where(n => !n.Contains('<') && !n.Contains('.'))
            .Distinct()
            .Where(n => !ReservedNames.ModuleMembers.Contains(n))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        Assert.Empty(members);
    }
}
