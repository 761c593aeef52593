using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;

namespace Dsl.Parser.Binding;

/// <summary>
/// Binds every model of a file. Blocks are bound once per call with that call's values
/// (so shapes and costs are exact) and emitted once, from their first call, since their code
/// is written in terms of their constructor parameters.
/// </summary>
internal sealed class FileBinder
{
    private readonly Dictionary<string, DeclarationSyntax> _blocks = new();
    private readonly List<DeclarationSyntax> _models = new();
    private readonly Dictionary<string, ClassModel> _blockClasses = new();
    private readonly List<string> _blockOrder = new();
    private readonly Stack<string> _instantiating = new();

    public FileBinder(string path, FileSyntax syntax, DiagnosticBag diagnostics, AnnotationCatalog catalog)
    {
        Path = path;
        Diagnostics = diagnostics;
        Catalog = catalog;
        var seen = new Dictionary<string, DeclarationSyntax>();
        foreach (var decl in syntax.Declarations)
        {
            if (seen.TryGetValue(decl.Name.Text, out var first))
            {
                diagnostics.Report(DiagnosticDescriptors.DuplicateDeclaration, decl.Name.Span, decl.Name.Text, diagnostics.LineOf(first.Name.Span.Start) + 1);
                continue;
            }
            if (LayerCatalog.All.ContainsKey(decl.Name.Text) || decl.Name.Text == LayerCatalog.Concat)
            {
                diagnostics.Report(DiagnosticDescriptors.ReservedName, decl.Name.Span, decl.Name.Text, "it is the name of a built-in layer");
                continue;
            }
            seen[decl.Name.Text] = decl;
            if (decl.Kind == DeclarationKind.Block) _blocks[decl.Name.Text] = decl; else _models.Add(decl);
        }
    }

    public string Path { get; }
    public DiagnosticBag Diagnostics { get; }
    public AnnotationCatalog Catalog { get; }

    public IEnumerable<string> BlockNames => _blocks.Keys;

    public DeclarationSyntax? FindBlock(string name) => _blocks.TryGetValue(name, out var b) ? b : null;

    public (IReadOnlyList<(ClassModel Class, CostReport Cost)> Models, IReadOnlyList<ClassModel> Blocks) Bind()
    {
        var models = new List<(ClassModel, CostReport)>();
        foreach (var model in _models)
        {
            var binder = new DeclarationBinder(this, model, "", AnnotationScope.Empty);
            var result = binder.BindModel();
            if (result != null) models.Add(result.Value);
        }
        if (_models.Count == 0 && (_blocks.Count > 0 || !Diagnostics.HasErrors))
        {
            Diagnostics.Report(DiagnosticDescriptors.NoModel, new Text.TextSpan(0, 0));
        }
        foreach (var pair in _placed.Where(p => !_usedAnnotations.Contains(p.Key)))
        {
            var a = pair.Value.Annotation;
            Diagnostics.Report(DiagnosticDescriptors.AnnotationUnused, a.Span, a.Kind, pair.Value.Where,
                string.Join(" or ", a.Schema!.Families.OrderBy(f => f, System.StringComparer.Ordinal)) + " layer");
        }
        foreach (var block in _blocks.Values)
        {
            if (!_blockClasses.ContainsKey(block.Name.Text) && !_instantiated.Contains(block.Name.Text))
                Diagnostics.Report(DiagnosticDescriptors.UnusedBlock, block.Name.Span, block.Name.Text);
        }
        return (models, _blockOrder.Select(n => _blockClasses[n]).ToList());
    }

    private readonly HashSet<string> _instantiated = new();
    private readonly Dictionary<int, (BoundAnnotation Annotation, string Where)> _placed = new();
    private readonly HashSet<int> _usedAnnotations = new();

    /// <summary>An annotation on a header, call or repeat, which should reach some layer.</summary>
    public void Placed(BoundAnnotation annotation, string where)
    {
        if (!annotation.IsExempt && !_placed.ContainsKey(annotation.Span.Start)) _placed[annotation.Span.Start] = (annotation, where);
    }

    public void Used(BoundAnnotation annotation) => _usedAnnotations.Add(annotation.Span.Start);

    /// <summary>Enters a block call; false (after reporting) if it would recurse.</summary>
    public bool Enter(DeclarationSyntax block, Text.TextSpan callSpan)
    {
        _instantiated.Add(block.Name.Text);
        if (_instantiating.Contains(block.Name.Text))
        {
            var chain = string.Join(" -> ", _instantiating.Reverse().Concat(new[] { block.Name.Text }));
            Diagnostics.Report(DiagnosticDescriptors.RecursiveBlock, callSpan, block.Name.Text, chain);
            return false;
        }
        _instantiating.Push(block.Name.Text);
        return true;
    }

    public void Leave() => _instantiating.Pop();

    private static bool HasTokenBlock(ClassModel model) => model.Parameters.Any(p => p.Kind == CtorParameterKind.TokenBlock);

    public void RecordBlockClass(ClassModel model)
    {
        // A block used both with and without @tokens is emitted in its token-aware form, whose
        // schedule parameter defaults to none.
        if (_blockClasses.TryGetValue(model.Name, out var known))
        {
            if (!HasTokenBlock(known) && HasTokenBlock(model)) _blockClasses[model.Name] = model;
            return;
        }
        _blockClasses[model.Name] = model;
        _blockOrder.Add(model.Name);
    }
}
