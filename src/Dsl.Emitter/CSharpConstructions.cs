using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Semantics;

namespace Dsl.Emitter;

/// <summary>How a field is built in the constructor: Layers factories, block classes, repeats, sequences.</summary>
internal sealed class CSharpConstructions : IConstructionVisitor<string>
{
    public static readonly CSharpConstructions Instance = new();

    public string Layer(LayerConstruction l) => $"Layers.{CSharpNames.Pascal(l.Layer)}({CSharpArguments.List(l.Args)})";

    public string Block(BlockConstruction b) => $"new {b.Block}({CSharpArguments.List(b.Args)})";

    public string Compressed(CompressedConstruction k) =>
        $"Layers.{CSharpNames.Pascal(k.Layer.Layer)}({CSharpArguments.List(k.Layer.Args)}, compression: {Compression(k.Conversions)})";

    // Several methods on one layer compose in their order: Compression.Compose(Compression.Prune(...), Compression.Quant(...)).
    private static string Compression(IReadOnlyList<Conversion> conversions)
    {
        var calls = conversions.Select(c => c.Call.Accept(CSharpArguments.Instance)).ToList();
        return calls.Count == 1 ? calls[0] : $"Compression.Compose({string.Join(", ", calls)})";
    }

    public string Sequence(SequenceConstruction s) =>
        "Layers.Sequence(" + string.Join(", ", s.Children.Select(ch => $"(\"{ch.Name}\", {ch.Construction.Accept(this)})")) + ")";

    // Copies that agree are built in a loop; the usual case of a first copy that changes the
    // width (and so differs) is one conditional.
    public string Repeat(RepeatConstruction r)
    {
        var copies = r.Copies.Select(c => c.Accept(this)).ToList();
        var count = CSharpScalars.Write(r.Count);
        if (copies.Distinct().Count() == 1) return $"Layers.Repeat({count}, i => {copies[0]})";
        if (copies.Skip(1).Distinct().Count() == 1) return $"Layers.Repeat({count}, i => i == 0 ? {copies[0]} : {copies[1]})";
        return $"Layers.Repeat({count}, i => i switch\n{{\n" +
            string.Join("", copies.Take(copies.Count - 1).Select((c, i) => $"    {i} => {c},\n")) +
            $"    _ => {copies[copies.Count - 1]},\n}})";
    }
}

/// <summary>The C# type of the field a construction fills.</summary>
internal sealed class CSharpFieldTypes : IConstructionVisitor<string>
{
    public static readonly CSharpFieldTypes Instance = new();

    public string Layer(LayerConstruction l) =>
        l.Style == FieldStyle.Parameter ? "Parameter" : $"nn.Module<{string.Join(", ", Enumerable.Repeat("Tensor", l.Inputs + 1))}>";

    public string Block(BlockConstruction b) => b.Block;

    public string Compressed(CompressedConstruction k) => Layer(k.Layer);

    public string Repeat(RepeatConstruction r) => "Sequential";

    public string Sequence(SequenceConstruction s) => "Sequential";
}

/// <summary>Constructor arguments, by name: scalars, words, lists, runtime calls and objects, types.</summary>
internal sealed class CSharpArguments : IArgCodeVisitor<string>
{
    public static readonly CSharpArguments Instance = new();

    public static string List(IReadOnlyList<ConstructionArg> args) =>
        string.Join(", ", args.Select(a => $"{CSharpNames.Camel(a.Name)}: {a.Value.Accept(Instance)}"));

    public string Scalar(ScalarCode s) => CSharpScalars.Write(s.Expr);

    public string Word(WordCode w) => $"\"{w.Word}\"";

    public string List(ListCode l) => (l.Reals ? "new double[] { " : "new long[] { ") + string.Join(", ", l.Items.Select(CSharpScalars.Write)) + " }";

    public string Call(CallCode c) => $"{c.Function}({List(c.Args)})";

    public string Null(NullCode none) => "null";

    public string Reference(ReferenceCode r) => CSharpNames.Escape(r.Name);

    public string Real(RealCode r) => CSharpScalars.Number(r.Value);

    public string Type(TypeCode t) => $"typeof({CSharpNames.Escape(t.Class)})";

    public string New(NewCode n) => $"new {n.Type}({string.Join(", ", n.Items.Select(i => i.Accept(this)))})";
}
