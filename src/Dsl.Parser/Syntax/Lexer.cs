using System.Collections.Generic;
using System.Globalization;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Text;

namespace Dsl.Parser.Syntax;

public enum TokenKind
{
    Identifier,
    Number,
    String,
    Punctuation,
    EndOfFile,
}

/// <summary>
/// One token. <see cref="LineStart"/> says it is the first token on its line (statements may
/// run over several lines, so this only guides error recovery and "missing '->'" messages).
/// </summary>
public readonly record struct Token(TokenKind Kind, string Text, TextSpan Span, bool LineStart)
{
    public bool Is(string punctuation) => Kind == TokenKind.Punctuation && Text == punctuation;

    public bool IsWord(string word) => Kind == TokenKind.Identifier && Text == word;

    /// <summary>How the token reads in a message: 'linear', '(', end of file.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.EndOfFile => "end of file",
        TokenKind.String => "a string " + Text,
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Splits a file into tokens in one pass: whitespace and comments are skipped, numbers take
/// ASCII digits only, and a character the language does not use is one error, not a cascade.
/// </summary>
internal static class Lexer
{
    private static readonly string[] Punctuations = { "->", ".", "(", ")", "[", "]", "{", "}", ",", ":", "=", "@", "+", "-", "*", "/" };

    public static List<Token> Tokenize(string text, DiagnosticBag diagnostics)
    {
        var tokens = new List<Token>();
        var i = 0;
        var lineStart = true;
        while (true)
        {
            i = SkipTrivia(text, i, ref lineStart, diagnostics, tokens.Count > 0 ? tokens[tokens.Count - 1] : (Token?)null);
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.EndOfFile, "", new TextSpan(text.Length, 0), true));
                return tokens;
            }
            var c = text[i];
            var start = i;
            if (IsIdentifierStart(c))
            {
                while (i < text.Length && IsIdentifierPart(text[i])) i++;
                tokens.Add(new Token(TokenKind.Identifier, text.Substring(start, i - start), new TextSpan(start, i - start), lineStart));
            }
            else if (IsDigit(c))
            {
                i = ScanNumber(text, i);
                tokens.Add(new Token(TokenKind.Number, text.Substring(start, i - start), new TextSpan(start, i - start), lineStart));
            }
            else if (c == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"' && text[i] != '\n') i++;
                if (i < text.Length && text[i] == '"')
                {
                    i++;
                    tokens.Add(new Token(TokenKind.String, text.Substring(start, i - start), new TextSpan(start, i - start), lineStart));
                }
                else
                {
                    diagnostics.Report(DiagnosticDescriptors.Syntax, new TextSpan(start, 1), "this string has no closing '\"' on its line");
                }
            }
            else if (MatchPunctuation(text, i) is { } p)
            {
                i += p.Length;
                tokens.Add(new Token(TokenKind.Punctuation, p, new TextSpan(start, p.Length), lineStart));
            }
            else
            {
                i += char.IsSurrogatePair(text, i) ? 2 : 1;
                diagnostics.Report(DiagnosticDescriptors.Syntax, new TextSpan(start, i - start), Unexpected(text.Substring(start, i - start)));
            }
            lineStart = false;
        }
    }

    private static string Unexpected(string character)
    {
        var c = character[0];
        if (char.IsDigit(c)) return $"'{character}' is not an ASCII digit; numbers are written with 0-9";
        if (char.IsLetter(c)) return $"'{character}' cannot be part of a name; names use ASCII letters, digits and '_'";
        return c switch
        {
            ';' => "';' is not needed: statements end at the next statement",
            _ => $"unexpected character '{character}' (U+{(int)c:X4})",
        };
    }

    private static int SkipTrivia(string text, int i, ref bool lineStart, DiagnosticBag diagnostics, Token? previous)
    {
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n' || c == '\r')
            {
                lineStart = true;
                i++;
            }
            else if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\uFEFF')
            {
                i++;
            }
            else if (c == '/' && At(text, i + 1, '/'))
            {
                CheckFloorDivision(text, i, previous, lineStart, diagnostics);
                while (i < text.Length && text[i] != '\n' && text[i] != '\r') i++;
            }
            else if (c == '/' && At(text, i + 1, '*'))
            {
                var close = text.IndexOf("*/", i + 2, System.StringComparison.Ordinal);
                if (close < 0)
                {
                    diagnostics.Report(DiagnosticDescriptors.Syntax, new TextSpan(i, 2), "this comment has no closing '*/'");
                    return text.Length;
                }
                for (var k = i; k < close; k++)
                {
                    if (text[k] == '\n' || text[k] == '\r') lineStart = true;
                }
                i = close + 2;
            }
            else
            {
                break;
            }
        }
        return i;
    }

    /// <summary>
    /// `width // 2` reads as a comment, which would silently drop the rest of the line: a
    /// comment right after a value and before a number on the same line is an error.
    /// </summary>
    private static void CheckFloorDivision(string text, int at, Token? previous, bool lineStart, DiagnosticBag diagnostics)
    {
        if (lineStart || previous is not { } p) return;
        if (p.Kind is not (TokenKind.Identifier or TokenKind.Number) && !p.Is(")") && !p.Is("]")) return;
        var k = at + 2;
        while (k < text.Length && (text[k] == ' ' || text[k] == '\t')) k++;
        if (k < text.Length && (IsDigit(text[k]) || IsIdentifierStart(text[k])) && LooksLikeOperand(text, k))
        {
            diagnostics.Report(DiagnosticDescriptors.Syntax, new TextSpan(at, 2),
                "'//' starts a comment, so the rest of this line is ignored; to divide, write '/' (sizes must divide evenly), or put a space after the value and write the comment in words");
        }
    }

    // "// 2", "// 2)", "// heads," look like division; "// the stem" does not.
    private static bool LooksLikeOperand(string text, int k)
    {
        var start = k;
        while (k < text.Length && (IsIdentifierPart(text[k]) || text[k] == '.')) k++;
        var word = text.Substring(start, k - start);
        while (k < text.Length && (text[k] == ' ' || text[k] == '\t')) k++;
        var atEnd = k >= text.Length || text[k] == '\n' || text[k] == '\r' || text[k] == ')' || text[k] == ',' || text[k] == ']';
        return atEnd && (IsDigit(word[0]) || word.Length <= 12);
    }

    private static int ScanNumber(string text, int i)
    {
        while (i < text.Length && IsDigit(text[i])) i++;
        if (At(text, i, '.') && i + 1 < text.Length && IsDigit(text[i + 1]))
        {
            i++;
            while (i < text.Length && IsDigit(text[i])) i++;
        }
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            var k = i + 1;
            if (k < text.Length && (text[k] == '+' || text[k] == '-')) k++;
            if (k < text.Length && IsDigit(text[k]))
            {
                while (k < text.Length && IsDigit(text[k])) k++;
                i = k;
            }
        }
        return i;
    }

    /// <summary>The number a token holds; integers are those without a point or exponent.</summary>
    public static (double Value, bool IsInteger) NumberValue(string text)
    {
        var isInteger = text.IndexOfAny(new[] { '.', 'e', 'E' }) < 0;
        try
        {
            return (double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), isInteger);
        }
        catch (System.OverflowException)
        {
            // .NET Framework throws where .NET Core gives infinity; the binder reports it either way.
            return (double.PositiveInfinity, isInteger);
        }
    }

    private static string? MatchPunctuation(string text, int i)
    {
        foreach (var p in Punctuations)
        {
            if (string.CompareOrdinal(text, i, p, 0, p.Length) == 0) return p;
        }
        return null;
    }

    private static bool At(string text, int i, char c) => i < text.Length && text[i] == c;

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static bool IsIdentifierStart(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || IsDigit(c);
}
