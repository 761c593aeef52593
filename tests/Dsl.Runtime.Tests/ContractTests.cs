using System.Reflection;
using Dsl.Emitter;
using Dsl.Parser.Binding;
using Dsl.Parser.Layers;
using Dsl.Parser.Methods;
using Dsl.Parser.Semantics;
using ScalarType = Dsl.Parser.Semantics.ScalarType;
using static TorchSharp.torch;

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

    public static IEnumerable<object[]> ConvertingMethods() =>
        MethodRegistry.All.Where(m => m.RuntimeFunction != null).Select(m => new object[] { m.Name });

    [Theory]
    [MemberData(nameof(ConvertingMethods))]
    public void Each_methods_runtime_function_takes_its_arguments_by_name_in_order_with_matching_types(string method)
    {
        // Generated code calls the function with every argument of the annotation, by name.
        var schema = MethodRegistry.All.Single(m => m.Name == method);
        var path = schema.RuntimeFunction!.Split('.');
        var type = typeof(Layers).Assembly.GetType("Dsl.Runtime." + string.Join(".", path.Take(path.Length - 1)));
        Assert.True(type != null, $"no runtime type for {schema.RuntimeFunction}");
        var function = Assert.Single(type!.GetMethods(BindingFlags.Public | BindingFlags.Static), m => m.Name == path[^1]);
        Assert.Equal(schema.Parameters.Select(p => CSharpNames.Camel(p.Name)), function.GetParameters().Select(p => p.Name));
        foreach (var (spec, parameter) in schema.Parameters.Zip(function.GetParameters()))
        {
            var optional = spec.Default == null && !spec.Required;
            var expected = spec.Kind switch
            {
                ArgKind.Int => optional ? typeof(long?) : typeof(long),
                ArgKind.Float => optional ? typeof(double?) : typeof(double),
                ArgKind.Bool => typeof(bool),
                ArgKind.Word => typeof(string),
                ArgKind.Floats => typeof(double[]),
                _ => typeof(long[]),
            };
            Assert.True(expected == parameter.ParameterType, $"{schema.RuntimeFunction}({parameter.Name}) is {parameter.ParameterType.Name}, the annotation's {spec.Name} needs {expected.Name}");
        }
    }

    [Fact]
    public void The_compiler_counts_the_branches_and_half_branches_the_runtime_runs()
    {
        // @multibit's cost rule and its layers each say how many branches a width runs and how
        // many channels half a branch keeps; the two must agree for the MACs to be the ones run.
        for (long channels = 1; channels <= 512; channels++)
        {
            Assert.Equal(Dsl.Runtime.MultiBit.BranchTable.HalfChannels(channels), MultiBitSettings.HalfChannels(channels));
        }
        foreach (var max in new long[] { 2, 3, 4, 5, 6, 7, 8 })
        {
            var bits = Enumerable.Range(2, (int)max - 1).Select(b => (long)b).ToList();
            var settings = new MultiBitSettings(bits, "multibranch", Amortized: true, Distill: true);
            Assert.Equal(Dsl.Runtime.MultiBit.BranchTable.Branches(bits), settings.Branches);
            foreach (var b in bits)
            {
                var plan = Dsl.Runtime.MultiBit.BranchTable.For(b, settings.Branches, amortized: true);
                Assert.Equal(settings.Runs(b), (plan.Count(u => !u.Half), plan.Any(u => u.Half)));
            }
        }
    }

    [Fact]
    public void The_compiler_counts_the_channels_a_slimmable_layer_keeps_at_each_width()
    {
        // @dynamic's cost rule and its layers each compute int(w·C); the MACs are the ones run only if they agree.
        foreach (var width in new[] { 0.1, 0.25, 0.3, 0.375, 0.5, 0.7, 0.75, 0.9, 1.0 })
        {
            for (long channels = 1; channels <= 512; channels++)
                Assert.Equal(Dsl.Runtime.Dynamic.DynamicWidths.Active(channels, width), DynamicSettings.Active(channels, width));
        }
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(1, 4)]
    [InlineData(3, 2)]
    [InlineData(5, 4)]
    [InlineData(4, 8)]
    public void The_compiler_and_the_runtime_count_one_universal_set(int terms, int shift) =>
        Assert.Equal(Dsl.Runtime.Ptq.UniversalSet.Values(terms, shift).Length, PtqSettings.UniversalSetSize(terms, shift));

    [Fact]
    public void Every_runtime_type_a_method_names_is_a_public_type_of_the_runtime()
    {
        var types = typeof(Layers).Assembly.GetExportedTypes().Select(t => t.Name.Split('`')[0]).ToHashSet();
        var named = MethodRegistry.All.SelectMany(m => m.RuntimeTypes.Select(t => (m.Name, Type: t))).ToList();
        Assert.Contains(("tokens", "TokenBlock"), named);
        Assert.All(named, n => Assert.True(types.Contains(n.Type), $"@{n.Name} names {n.Type}, which the runtime does not export"));
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
