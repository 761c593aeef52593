using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Onnx.LayerLowerings;
using Dsl.Onnx.Methods;
using Dsl.Parser;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Methods;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;
using Dsl.Parser.Text;

namespace Dsl.Onnx;

/// <summary>
/// What the ONNX back end cannot lower in a model, as located errors before anything is written
/// (as the Regex generator reports a pattern it cannot generate): a compression method (CM2001,
/// at its annotation) or a layer (CM2002, where it is applied).
/// </summary>
public static class OnnxSupport
{
    public static readonly DiagnosticDescriptor MethodNotLowered = DiagnosticDescriptor.Error("CM2001", "Method the ONNX back end cannot lower",
        "the ONNX back end cannot lower @{0}: {1}");

    public static readonly DiagnosticDescriptor LayerNotLowered = DiagnosticDescriptor.Error("CM2002", "Layer the ONNX back end cannot lower",
        "the ONNX back end cannot lower the layer '{0}'; it lowers {1}");

    /// <summary>The errors that stop <paramref name="model"/> of <paramref name="compilation"/> (source <paramref name="text"/>) from exporting; none when it can.</summary>
    public static IReadOnlyList<Diagnostic> Check(CompilationResult compilation, string text, string model)
    {
        var result = compilation.Models.FirstOrDefault(m => m.Class.Name == model)
            ?? throw new ArgumentException($"{compilation.Path} has no model '{model}'", nameof(model));
        var source = new SourceText(compilation.Path, text);
        var declarations = Reached(compilation.Syntax, model);
        var classes = Classes(compilation, result.Class);
        var diagnostics = new List<Diagnostic>();
        var methods = new HashSet<string>(MethodRegistry.All.Select(m => m.Name), StringComparer.Ordinal);
        var used = classes.SelectMany(c => c.Fields).SelectMany(f => f.Annotations).Select(a => a.Kind)
            .Concat(declarations.SelectMany(Annotations).Select(a => a.Name.Text))
            .Where(methods.Contains).Distinct(StringComparer.Ordinal);
        foreach (var method in used.Where(m => !OnnxMethods.Lowers(m)))
        {
            var at = declarations.SelectMany(Annotations).FirstOrDefault(a => a.Name.Text == method)?.Span ?? NameSpan(compilation.Syntax, model);
            diagnostics.Add(At(source, at, MethodNotLowered, method, "its runtime layers have no ONNX form in this version; export the model without it"));
        }
        var lowered = string.Join(", ", OnnxLayers.Names.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var layer in classes.SelectMany(c => c.Fields).SelectMany(f => Layers(f.Construction)).Distinct(StringComparer.Ordinal))
        {
            if (OnnxLayers.Find(layer) != null) continue;
            var at = declarations.SelectMany(Stages).OfType<LayerStageSyntax>().FirstOrDefault(s => s.Name.Text == layer)?.Span ?? NameSpan(compilation.Syntax, model);
            diagnostics.Add(At(source, at, LayerNotLowered, layer, lowered));
        }
        return diagnostics.OrderBy(d => d.Span.Start).ToList();
    }

    private static Diagnostic At(SourceText source, TextSpan span, DiagnosticDescriptor descriptor, params object[] args) =>
        new(descriptor.Id, descriptor.Severity, descriptor.Format(args), source.Path, span, source.PositionOf(span.Start), source.PositionOf(span.Start + span.Length));

    /// <summary>The model's class and every block class it builds, through repeats and sequences.</summary>
    private static IReadOnlyList<ClassModel> Classes(CompilationResult compilation, ClassModel model)
    {
        var found = new List<ClassModel>();
        var pending = new Stack<ClassModel>(new[] { model });
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (found.Any(c => c.Name == current.Name)) continue;
            found.Add(current);
            foreach (var block in current.Fields.SelectMany(f => Blocks(f.Construction)))
            {
                var next = compilation.Blocks.FirstOrDefault(b => b.Name == block);
                if (next != null) pending.Push(next);
            }
        }
        return found;
    }

    private static IEnumerable<string> Blocks(Construction construction) => construction switch
    {
        BlockConstruction b => new[] { b.Block },
        RepeatConstruction r => r.Copies.SelectMany(Blocks),
        SequenceConstruction s => s.Children.SelectMany(c => Blocks(c.Construction)),
        _ => Enumerable.Empty<string>(),
    };

    private static IEnumerable<string> Layers(Construction construction) => construction switch
    {
        LayerConstruction l => new[] { l.Layer },
        CompressedConstruction c => new[] { c.Layer.Layer },
        RepeatConstruction r => r.Copies.SelectMany(Layers),
        SequenceConstruction s => s.Children.SelectMany(c => Layers(c.Construction)),
        _ => Enumerable.Empty<string>(),
    };

    /// <summary>The model's declaration and the declarations of this file's blocks it uses, for locations.</summary>
    private static IReadOnlyList<DeclarationSyntax> Reached(FileSyntax syntax, string model)
    {
        var byName = syntax.Declarations.GroupBy(d => d.Name.Text).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var found = new List<DeclarationSyntax>();
        var pending = new Stack<string>(new[] { model });
        while (pending.Count > 0)
        {
            if (!byName.TryGetValue(pending.Pop(), out var declaration) || found.Contains(declaration)) continue;
            found.Add(declaration);
            foreach (var stage in Stages(declaration).OfType<LayerStageSyntax>()) pending.Push(stage.Name.Text);
        }
        return found;
    }

    private static IEnumerable<AnnotationSyntax> Annotations(DeclarationSyntax declaration) =>
        declaration.Annotations.Concat(Stages(declaration).SelectMany(s => s.Annotations));

    private static IEnumerable<StageSyntax> Stages(DeclarationSyntax declaration) => declaration.Body.SelectMany(statement => statement switch
    {
        AssignmentSyntax a => Stages(a.Value),
        OutputSyntax o => Stages(o.Value),
        FeatureSyntax f => Stages(f.Value),
        _ => Enumerable.Empty<StageSyntax>(),
    });

    private static IEnumerable<StageSyntax> Stages(ExpressionSyntax expression) => expression switch
    {
        PipelineSyntax p => Stages(p.Source).Concat(p.Stages.SelectMany(Stages)),
        BinarySyntax b => Stages(b.Left).Concat(Stages(b.Right)),
        UnarySyntax u => Stages(u.Operand),
        CallSyntax c => c.Arguments.SelectMany(a => Stages(a.Value)),
        _ => Enumerable.Empty<StageSyntax>(),
    };

    private static IEnumerable<StageSyntax> Stages(StageSyntax stage) =>
        new[] { stage }.Concat(stage is RepeatStageSyntax r ? r.Body.SelectMany(Stages) : Enumerable.Empty<StageSyntax>());

    private static TextSpan NameSpan(FileSyntax syntax, string model) =>
        syntax.Declarations.FirstOrDefault(d => d.Name.Text == model)?.Name.Span ?? new TextSpan(0, 0);
}
