using Dsl.Parser.Text;

namespace Dsl.Generator.Model;

/// <summary>One generated class: its name and its source text.</summary>
internal sealed record GeneratedSource(string ClassName, string Text);

/// <summary>A front-end diagnostic as plain values, turned into a Roslyn Diagnostic at output time.</summary>
internal sealed record DiagnosticInfo(string Id, string Message, string Path, TextSpan Span, LinePosition Start, LinePosition End);

/// <summary>What one .cmodel file produces: its classes (none if it has errors) and its diagnostics.</summary>
internal sealed record FileOutput(string Path, EquatableArray<GeneratedSource> Sources, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The .cmodel text as the pipeline's first value: path and content.</summary>
internal sealed record CModelFile(string Path, string Text);
