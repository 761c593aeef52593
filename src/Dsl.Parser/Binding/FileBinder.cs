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

    /// <summary>Blocks declared in the project's other files, with their sources (for locations).</summary>
    private readonly Dictionary<string, Text.SourceText> _librarySources = new();

    public FileBinder(string path, FileSyntax syntax, DiagnosticBag diagnostics, AnnotationCatalog catalog,
        IEnumerable<(Text.SourceText Source, DeclarationSyntax Block)>? library = null)
    {
        Path = path;
        Diagnostics = diagnostics;
        Catalog = catalog;
        var seen = new Dictionary<string, DeclarationSyntax>();
        var folded = new Dictionary<string, DeclarationSyntax>(System.StringComparer.OrdinalIgnoreCase);
        foreach (var decl in syntax.Declarations)
        {
            if (ReservedNames.CSharpKeywords.Contains(decl.Name.Text) || ReservedNames.TypeNames.Contains(decl.Name.Text))
            {
                diagnostics.Report(DiagnosticDescriptors.ReservedName, decl.Name.Span, decl.Name.Text,
                    ReservedNames.CSharpKeywords.Contains(decl.Name.Text) ? "it is a C# keyword, and the class takes the name" : "generated code refers to a type or namespace of that name");
                continue;
            }
            if (folded.TryGetValue(decl.Name.Text, out var twin) && twin.Name.Text != decl.Name.Text)
            {
                diagnostics.Report(DiagnosticDescriptors.ReservedName, decl.Name.Span, decl.Name.Text,
                    $"'{twin.Name.Text}' at line {diagnostics.LineOf(twin.Name.Span.Start) + 1} differs only in case, and their generated files would collide on Windows and macOS");
                continue;
            }
            folded[decl.Name.Text] = decl;
            foreach (var duplicate in decl.Parameters.GroupBy(p => p.Name.Text).Where(g => g.Count() > 1))
            {
                foreach (var p in duplicate.Skip(1))
                    diagnostics.Report(DiagnosticDescriptors.DuplicateParameter, p.Name.Span, p.Name.Text, diagnostics.LineOf(duplicate.First().Name.Span.Start) + 1);
            }
            if (seen.TryGetValue(decl.Name.Text, out var first))
            {
                diagnostics.Report(DiagnosticDescriptors.DuplicateDeclaration, decl.Name.Span, decl.Name.Text, diagnostics.LineOf(first.Name.Span.Start) + 1);
                continue;
            }
            if (LayerCatalog.All.ContainsKey(decl.Name.Text) || LayerCatalog.IsFunction(decl.Name.Text))
            {
                diagnostics.Report(DiagnosticDescriptors.ReservedName, decl.Name.Span, decl.Name.Text, "it is the name of a built-in layer");
                continue;
            }
            seen[decl.Name.Text] = decl;
            if (decl.Kind == DeclarationKind.Block) _blocks[decl.Name.Text] = decl; else _models.Add(decl);
        }
        _ownBlocks = _blocks.Keys.ToList();
        foreach (var (source, block) in library ?? Enumerable.Empty<(Text.SourceText, DeclarationSyntax)>())
        {
            // The file's own declarations come first; a name declared twice across files is CM0030 at build time.
            if (seen.ContainsKey(block.Name.Text) || _librarySources.ContainsKey(block.Name.Text)) continue;
            _blocks[block.Name.Text] = block;
            _librarySources[block.Name.Text] = source;
        }
    }

    public string Path { get; }
    public DiagnosticBag Diagnostics { get; }
    public AnnotationCatalog Catalog { get; }

    public IEnumerable<string> BlockNames => _blocks.Keys;

    public IReadOnlyCollection<string> ModelNames => _models.Select(m => m.Name.Text).ToList();

    private readonly HashSet<(string?, int)> _reportedMisfits = new();

    /// <summary>An annotation that does not suit a layer it reaches: reported once, at the annotation.</summary>
    public void ReportOnce(BoundAnnotation annotation, DiagnosticDescriptor descriptor, params object[] args)
    {
        if (_reportedMisfits.Add(annotation.Place)) Diagnostics.Report(annotation.Source, descriptor, annotation.Span, args);
    }

    private readonly List<string> _ownBlocks;

    /// <summary>Layers a model may expand to (repeats multiply); past it binding stops (CM0038).</summary>
    public const int MaxLayers = 100_000;

    private int _layers;

    /// <summary>Counts one bound layer; throws <see cref="TooManyLayers"/> past <see cref="MaxLayers"/>, so a repeat bomb stops early.</summary>
    public void CountLayer()
    {
        if (++_layers > MaxLayers) throw new TooManyLayers();
    }

    /// <summary>Unwinds binding once a model expands past <see cref="MaxLayers"/>; the outermost repeat on the way sets where to report.</summary>
    public sealed class TooManyLayers : System.Exception
    {
        public Text.TextSpan? Span { get; set; }
        public Text.SourceText? File { get; set; }
    }

    public DeclarationSyntax? FindBlock(string name) => _blocks.TryGetValue(name, out var b) ? b : null;

    /// <summary>The file a block of another file of the project comes from, or null for the file's own.</summary>
    public string? LibraryPath(DeclarationSyntax block) => _librarySources.TryGetValue(block.Name.Text, out var s) && _blocks[block.Name.Text] == block ? s.Path : null;

    public (IReadOnlyList<(ClassModel Class, CostReport Cost)> Models, IReadOnlyList<ClassModel> Blocks) Bind()
    {
        var models = new List<(ClassModel, CostReport)>();
        foreach (var model in _models.Where(m => !m.HasSyntaxErrors))
        {
            var binder = new DeclarationBinder(this, model, "", AnnotationScope.Empty);
            _layers = 0;
            try
            {
                if (binder.BindModel() is { } result) models.Add(result);
            }
            catch (TooManyLayers e)
            {
                Diagnostics.Report(e.File, DiagnosticDescriptors.TooManyLayers, e.Span ?? model.Name.Span, model.Name.Text, MaxLayers.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (System.ArithmeticException)
            {
                // Layers report their own overflow where they are; this catches sums made elsewhere (concatenations, annotation costs).
                Diagnostics.Report(DiagnosticDescriptors.OutOfRange, model.Name.Span, $"model '{model.Name.Text}' computes sizes or costs past 64 bits", Semantics.Limits.MaxText);
            }
        }
        // A file of blocks alone is a library for the project's other files; nothing to warn.
        if (_models.Count == 0 && _ownBlocks.Count == 0 && !Diagnostics.HasErrors)
        {
            Diagnostics.Report(DiagnosticDescriptors.NoModel, new Text.TextSpan(0, 0));
        }
        foreach (var pair in _placed.Where(p => !_usedAnnotations.Contains(p.Key)))
        {
            var a = pair.Value.Annotation;
            Diagnostics.Report(a.Source, DiagnosticDescriptors.AnnotationUnused, a.Span, a.Kind, pair.Value.Where,
                string.Join(" or ", a.Schema!.Families.OrderBy(f => f, System.StringComparer.Ordinal)) + " layer");
        }
        foreach (var block in _models.Count == 0 ? Enumerable.Empty<DeclarationSyntax>() : _ownBlocks.Select(b => _blocks[b]))
        {
            if (!_blockClasses.ContainsKey(block.Name.Text) && !_instantiated.Contains(block.Name.Text))
                Diagnostics.Report(DiagnosticDescriptors.UnusedBlock, block.Name.Span, block.Name.Text);
        }
        return (models, _blockOrder.Select(n => _blockClasses[n]).ToList());
    }

    private readonly HashSet<string> _instantiated = new();
    private readonly Dictionary<(string?, int), (BoundAnnotation Annotation, string Where)> _placed = new();
    private readonly HashSet<(string?, int)> _usedAnnotations = new();

    /// <summary>An annotation on a header, call or repeat, which should reach some layer.</summary>
    public void Placed(BoundAnnotation annotation, string where)
    {
        if (!annotation.IsExempt && !_placed.ContainsKey(annotation.Place)) _placed[annotation.Place] = (annotation, where);
    }

    public void Used(BoundAnnotation annotation) => _usedAnnotations.Add(annotation.Place);

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
        Diagnostics.EnterCall(callSpan, _librarySources.TryGetValue(block.Name.Text, out var source) ? source : null);
        return true;
    }

    public void Leave()
    {
        _instantiating.Pop();
        Diagnostics.LeaveCall();
    }

    private static bool TakesMethodObjects(ClassModel model) => model.Parameters.Any(p => p.Kind == CtorParameterKind.Method);

    private readonly Dictionary<(string Block, string Compression), string> _variants = new();

    /// <summary>
    /// Records a block's class and returns its name. A block whose layers a call compresses
    /// differently from its earlier calls (one call under @quant, another in full precision) is
    /// a class of its own, named after the block and the settings it carries (ViTBlockW4A4),
    /// so every generated class reads as plain code with no compression switches.
    /// </summary>
    public string RecordBlockClass(ClassModel model)
    {
        var key = string.Join("|", model.Fields.Select(f => CompressionKey(f.Construction)));
        if (_variants.TryGetValue((model.Name, key), out var name))
        {
            // A block used both with and without a method's object (a @tokens schedule) is
            // emitted in the form that takes it, whose parameter defaults to none.
            if (!TakesMethodObjects(_blockClasses[name]) && TakesMethodObjects(model)) _blockClasses[name] = model with { Name = name };
            return name;
        }
        // The block's own name is its uncompressed form's; a compressed form is named after its
        // settings (BinaryUnitRebnn), so a class name says what the class does.
        var kinds = string.Concat(model.Fields.SelectMany(f => Variants(f.Construction)).Distinct());
        var stem = model.Name + kinds;
        name = stem;
        for (var n = 2; _blockClasses.ContainsKey(name) || _blocks.ContainsKey(name) && name != model.Name || _models.Any(m => m.Name.Text == name); n++) name = stem + n;
        _variants[(model.Name, key)] = name;
        _blockClasses[name] = model with { Name = name };
        _blockOrder.Add(name);
        return name;
    }

    private static string CompressionKey(Construction c) => c switch
    {
        CompressedConstruction k => string.Concat(k.Conversions.Select(v => $"{v.Call.Function}({string.Join(",", v.Call.Args.Select(a => a.Name + "=" + ArgText(a.Value)))})")) + CompressionKey(k.Layer),
        BlockConstruction b => "new " + b.Block,
        RepeatConstruction r => "[" + string.Join(";", r.Copies.Select(CompressionKey)) + "]",
        SequenceConstruction s => "{" + string.Join(";", s.Children.Select(ch => CompressionKey(ch.Construction))) + "}",
        _ => "",
    };

    private static string ArgText(ArgCode code) => code switch
    {
        ScalarCode s => s.Expr.ToString(),
        WordCode w => w.Word,
        _ => "null",
    };

    private IEnumerable<string> Variants(Construction c) => c switch
    {
        CompressedConstruction k => k.Conversions.Select(v => v.Variant),
        BlockConstruction b when _blockClasses.TryGetValue(b.Block, out var inner) => inner.Fields.SelectMany(f => Variants(f.Construction)),
        RepeatConstruction r => r.Copies.SelectMany(Variants),
        SequenceConstruction s => s.Children.SelectMany(ch => Variants(ch.Construction)),
        _ => Enumerable.Empty<string>(),
    };
}
