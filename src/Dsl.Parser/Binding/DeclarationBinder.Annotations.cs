using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;

namespace Dsl.Parser.Binding;

/// <summary>Annotations as written, checked against their schemas and where they stand.</summary>
internal sealed partial class DeclarationBinder
{
    private static IEnumerable<AnnotationSyntax> AnnotationsIn(DeclarationSyntax decl) =>
        decl.Annotations.Concat(decl.Body.SelectMany(StagesOf).SelectMany(st => st.Annotations));

    /// <param name="where">What the annotations are written on, for messages.</param>
    /// <param name="modelHeader">Whether they are on a model's header, the one place model-wide kinds (@distill) go.</param>
    private IReadOnlyList<BoundAnnotation> BindAnnotations(IReadOnlyList<AnnotationSyntax> annotations, LayerSpec? target, string where, bool modelHeader = false)
    {
        var result = new List<BoundAnnotation>();
        foreach (var a in annotations)
        {
            var name = a.Name.Text;
            if (name == AnnotationCatalog.Exempt)
            {
                var kinds = new List<string>();
                foreach (var arg in a.Arguments)
                {
                    if (arg.Name != null || arg.Value is not NameSyntax n || !_file.Catalog.AllNames.Contains(n.Name.Text) || n.Name.Text == AnnotationCatalog.Exempt)
                    {
                        _diagnostics.Report(DiagnosticDescriptors.ArgumentType, arg.Span, "kinds", "@exempt", "annotation names such as quant or sparse",
                            arg.Value is NameSyntax bad ? $"'{bad.Name.Text}'{Suggestions.DidYouMean(bad.Name.Text, _file.Catalog.AllNames)}" : "another value");
                        continue;
                    }
                    kinds.Add(n.Name.Text);
                }
                result.Add(new BoundAnnotation(name, null, null, kinds, a.Span, _diagnostics.CurrentSource));
                continue;
            }
            var schema = _file.Catalog.Find(name);
            if (schema == null)
            {
                _diagnostics.Report(DiagnosticDescriptors.UnknownAnnotation, a.Name.Span, name, Suggestions.DidYouMean(name, _file.Catalog.AllNames));
                continue;
            }
            var args = ArgumentBinder.Bind("@" + name, schema.Parameters, a.Arguments, a.Span, EvaluateArgument, _diagnostics);
            if (args == null) continue;
            if (schema.Validate(args) is { } problem)
            {
                Report(problem, a, args);
                continue;
            }
            if (schema.OnModel)
            {
                if (!modelHeader)
                {
                    _diagnostics.Report(DiagnosticDescriptors.AnnotationTarget, a.Name.Span, name, where,
                        $"a model, written after its header as in model Student(...) @{name}(...)");
                    continue;
                }
                if (schema.CheckOnModel(args, new ModelScope(_decl.Name.Text, _file.ModelNames, _file.BlockNames.ToList())) is { } misfit)
                {
                    Report(misfit, a, args);
                    continue;
                }
                result.Add(new BoundAnnotation(name, schema, args, new string[0], a.Span, _diagnostics.CurrentSource));
                continue;
            }
            if (schema.WholeModel && !modelHeader && !IsLayerSetting(schema, args, target))
            {
                _diagnostics.Report(DiagnosticDescriptors.AnnotationTarget, a.Name.Span, name, where, schema.LayerArguments.Count == 0
                    ? $"a model, written after its header as in model Net(...) @{name}(...), with @exempt({name}) on the layers it leaves"
                    : $"a model, written after its header as in model Net(...) @{name}(...); a layer of that model's body may set only " +
                      string.Join(", ", schema.LayerArguments.Select(n => n + ":")) + " for itself");
                continue;
            }
            if (target != null && schema.OnlyAbove is { } above)
            {
                _diagnostics.Report(DiagnosticDescriptors.AnnotationTarget, a.Name.Span, name, $"{target.Name} ({target.Family})", above);
                continue;
            }
            if (target != null && !schema.Families.Contains(target.Family))
            {
                _diagnostics.Report(DiagnosticDescriptors.AnnotationTarget, a.Name.Span, name, $"{target.Name} ({target.Family})",
                    string.Join(", ", schema.Families.OrderBy(f => f, System.StringComparer.Ordinal)) + " layers");
                continue;
            }
            if (target == null && !schema.Inherited)
            {
                _diagnostics.Report(DiagnosticDescriptors.AnnotationTarget, a.Name.Span, name, "a model, block or call",
                    string.Join(", ", schema.Families.OrderBy(f => f, System.StringComparer.Ordinal)) + " layers, written on the layer itself");
                continue;
            }
            result.Add(new BoundAnnotation(name, schema, args, new string[0], a.Span, _diagnostics.CurrentSource));
        }
        return result;
    }

    /// <summary>A whole-model kind on a layer of a model whose header writes it, setting only its layer arguments.</summary>
    private bool IsLayerSetting(AnnotationSchema schema, BoundArguments args, LayerSpec? target) =>
        target != null && schema.LayerArguments.Count > 0 && _decl.Kind == DeclarationKind.Model && _decl.Annotations.Any(a => a.Name.Text == schema.Name)
        && args.Ordered.Where(x => x.Explicit).All(x => schema.LayerArguments.Contains(x.Spec.Name));

    /// <summary>An annotation's problem, at the argument it names (or the annotation), under the method's diagnostic.</summary>
    private void Report(AnnotationProblem problem, AnnotationSyntax annotation, BoundArguments args) =>
        _diagnostics.Report(problem.Descriptor ?? DiagnosticDescriptors.AnnotationArguments,
            problem.Argument == null ? annotation.Span : args.SpanOf(problem.Argument), problem.Message);

    /// <summary>Two methods reaching one layer that one of them declares it cannot share a layer with, in kind order.</summary>
    private static (BoundAnnotation, BoundAnnotation)? Conflict(IReadOnlyList<BoundAnnotation> methods)
    {
        var ordered = methods.OrderBy(a => a.Kind, System.StringComparer.Ordinal).ToList();
        foreach (var a in ordered)
        {
            foreach (var b in ordered.Where(b => string.CompareOrdinal(a.Kind, b.Kind) < 0))
            {
                if (a.Schema!.ConflictsWith.Contains(b.Kind) || b.Schema!.ConflictsWith.Contains(a.Kind)) return (a, b);
            }
        }
        return null;
    }
}
