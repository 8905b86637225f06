// The notebook pages' template asks for a MathJax script. The site loads nothing
// from outside, so it gets this empty one (the docs' own formulas are MathML).
