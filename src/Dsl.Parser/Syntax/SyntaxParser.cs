using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Text;
using Sprache;

namespace Dsl.Parser.Syntax;

/// <summary>
/// Parses a whole file one declaration at a time. A declaration with a syntax error is reported
/// and skipped up to the next line that starts with <c>model</c> or <c>block</c>, so one file
/// reports one syntax error per broken declaration and still checks the others.
/// </summary>
public static class SyntaxParser
{
    private static readonly Regex DeclarationStart = new(@"^[ \t]*(model|block)\b", RegexOptions.Multiline);

    public static FileSyntax Parse(SourceText source, DiagnosticBag diagnostics)
    {
        var text = source.Text;
        var declarations = new List<DeclarationSyntax>();
        var position = 0;
        while (true)
        {
            var input = Blanked(text, position);
            var afterTrivia = PositionAfterTrivia(input);
            if (afterTrivia == null)
            {
                // An unterminated block comment.
                diagnostics.Report(DiagnosticDescriptors.Syntax, new TextSpan(text.Length, 0), "expected '*/' closing the comment, found end of file");
                break;
            }
            if (afterTrivia.Value >= text.Length) break;

            var result = Grammar.Trivia.Then(_ => Grammar.Declaration).TryParse(input);
            if (result.WasSuccessful)
            {
                declarations.Add(result.Value);
                position = result.Remainder.Position;
                continue;
            }

            var at = result.Remainder.Position;
            diagnostics.Report(DiagnosticDescriptors.Syntax, TokenSpanAt(text, at), Describe(result, text, at));
            var next = DeclarationStart.Match(text, System.Math.Min(text.Length, System.Math.Max(at, afterTrivia.Value) + 1));
            while (next.Success && next.Index <= afterTrivia.Value) next = next.NextMatch();
            if (!next.Success) break;
            position = next.Index;
        }
        return new FileSyntax(declarations);
    }

    private static int? PositionAfterTrivia(string input)
    {
        var result = Grammar.Trivia.TryParse(input);
        if (!result.WasSuccessful) return null;
        var at = result.Remainder.Position;
        // Trivia stops at "/*" it cannot close.
        if (at + 1 < input.Length && input[at] == '/' && input[at + 1] == '*') return null;
        return at;
    }

    // Sprache inputs always start at offset 0: hide what was already parsed behind spaces
    // (keeping newlines) so offsets, lines and columns stay those of the file.
    private static string Blanked(string text, int upTo)
    {
        if (upTo == 0) return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < upTo && i < chars.Length; i++)
        {
            if (chars[i] != '\n') chars[i] = ' ';
        }
        return new string(chars);
    }

    private static string Describe(IResult<DeclarationSyntax> result, string text, int at)
    {
        var expectations = result.Expectations
            .Where(e => !string.IsNullOrWhiteSpace(e))
            .Distinct()
            .ToList();
        var found = at >= text.Length ? "end of file" : $"'{TokenText(text, at)}'";
        var expected = expectations.Count == 0 ? "a declaration" : Join(expectations);
        return $"expected {expected}, found {found}";
    }

    private static string Join(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " or " + items[items.Count - 1];

    internal static TextSpan TokenSpanAt(string text, int at)
    {
        if (at >= text.Length) return new TextSpan(text.Length, 0);
        return new TextSpan(at, TokenText(text, at).Length);
    }

    private static string TokenText(string text, int at)
    {
        var c = text[at];
        if (char.IsLetterOrDigit(c) || c == '_')
        {
            var end = at;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_' || text[end] == '.')) end++;
            return text.Substring(at, end - at);
        }
        if (c == '-' && at + 1 < text.Length && text[at + 1] == '>') return "->";
        return c.ToString();
    }
}
