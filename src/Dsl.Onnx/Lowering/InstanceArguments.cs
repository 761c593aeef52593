using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Semantics;

namespace Dsl.Onnx.Lowering;

/// <summary>
/// The values one instance of a generated class was built with: a model's defaults, or a block's
/// arguments evaluated in its caller's; layers' arguments are evaluated here the same way.
/// </summary>
internal sealed class InstanceArguments
{
    private readonly Dictionary<string, double> _scalars;
    private readonly Dictionary<string, ScalarType> _types;
    private readonly HashSet<string> _methods;

    private InstanceArguments(Dictionary<string, double> scalars, Dictionary<string, ScalarType> types, HashSet<string> methods) =>
        (_scalars, _types, _methods) = (scalars, types, methods);

    /// <summary>A model built with its defaults (what the cost report and the trained weights assume).</summary>
    public static InstanceArguments Defaults(ClassModel model) => Bind(model, new ConstructionArg[0], null);

    /// <summary>A block built with <paramref name="args"/>, evaluated in <paramref name="caller"/>; its own defaults fill the rest.</summary>
    public static InstanceArguments Bind(ClassModel model, IReadOnlyList<ConstructionArg> args, InstanceArguments? caller)
    {
        var scalars = new Dictionary<string, double>(StringComparer.Ordinal);
        var methods = new HashSet<string>(StringComparer.Ordinal);
        var types = model.Parameters.ToDictionary(p => p.Name, p => p.Type, StringComparer.Ordinal);
        var own = new InstanceArguments(scalars, types, methods);
        var given = args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);
        foreach (var p in model.Parameters)
        {
            if (p.Kind == CtorParameterKind.Method)
            {
                if (given.TryGetValue(p.Name, out var method) && method is not NullCode) methods.Add(p.Name);
                continue;
            }
            if (given.TryGetValue(p.Name, out var value) && value is ScalarCode s) scalars[p.Name] = caller!.Scalar(s.Expr);
            else if (p.Default != null) scalars[p.Name] = own.Scalar(p.Default);
            else throw new OnnxExportException($"{model.Name}: no value for its parameter '{p.Name}'");
        }
        return own;
    }

    /// <summary>Whether the method parameter <paramref name="name"/> (a block's token schedule) was given an object.</summary>
    public bool HasMethod(string name) => _methods.Contains(name);

    public double Scalar(ScalarExpr e) => e switch
    {
        ConstExpr c => c.Value,
        SymbolExpr s => _scalars.TryGetValue(s.Name, out var v) ? v : throw new OnnxExportException($"no value for '{s.Name}'"),
        BinaryExpr b => Apply(b),
        _ => throw new OnnxExportException($"cannot evaluate {e}"),
    };

    /// <summary>A layer's argument as a value: a number, a list of numbers, a word, null, or the method object it was given.</summary>
    public object? Value(ArgCode code) => code switch
    {
        ScalarCode s => Scalar(s.Expr),
        ListCode l => l.Items.Select(Scalar).ToArray(),
        WordCode w => w.Word,
        RealCode r => r.Value,
        NullCode => null,
        // A method's object passed on (a block's token schedule): present only where the class was given one.
        ReferenceCode r => HasMethod(r.Name) ? r : null,
        _ => code,
    };

    private double Apply(BinaryExpr b)
    {
        var (l, r) = (Scalar(b.Left), Scalar(b.Right));
        var integer = IsInteger(b.Left) && IsInteger(b.Right);
        return b.Operator switch
        {
            '+' => l + r,
            '-' => l - r,
            '*' => l * r,
            _ => integer ? Math.Floor(l / r) : l / r,
        };
    }

    // Integers divide as generated C# does (long division of the non-negative sizes met here).
    private bool IsInteger(ScalarExpr e) => e switch
    {
        ConstExpr c => c.Type == ScalarType.Int,
        SymbolExpr s => _types.TryGetValue(s.Name, out var type) && type == ScalarType.Int,
        BinaryExpr b => IsInteger(b.Left) && IsInteger(b.Right),
        _ => false,
    };
}
