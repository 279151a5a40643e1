/**
 * Tags queries of JavaScript and TypeScript (the symbol graph, `indexer/graph/`). The
 * TypeScript grammar extends the JavaScript one, so its query is the JavaScript
 * patterns plus the type-level ones, which the JavaScript grammar would reject.
 */

const shared = `
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(method_definition name: (property_identifier) @name) @definition.method
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(variable_declarator name: (identifier) @name value: (class)) @definition.class
(assignment_expression left: (member_expression property: (property_identifier) @name) right: [(arrow_function) (function_expression)]) @definition.function
(program (lexical_declaration (variable_declarator name: (identifier) @name value: [(string) (number) (template_string) (object) (array) (call_expression) (new_expression) (member_expression) (binary_expression)]) @definition.constant))
(program (export_statement (lexical_declaration (variable_declarator name: (identifier) @name value: [(string) (number) (template_string) (object) (array) (call_expression) (new_expression) (member_expression) (binary_expression)]) @definition.constant)))

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (member_expression property: (property_identifier) @name)) @reference.call
(new_expression constructor: (identifier) @name) @reference.class
(new_expression constructor: (member_expression property: (property_identifier) @name)) @reference.class

(import_statement source: (string (string_fragment) @import.module))
(export_statement source: (string (string_fragment) @import.module))
(call_expression function: (identifier) @_require arguments: (arguments . (string (string_fragment) @import.module)) (#eq? @_require "require"))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @import.module)))
`;

/** Components used in JSX; lower-case names are HTML elements. */
const jsx = `
(jsx_opening_element name: (identifier) @name (#match? @name "^[A-Z]")) @reference.class
(jsx_self_closing_element name: (identifier) @name (#match? @name "^[A-Z]")) @reference.class
`;

/** JavaScript and JSX: functions, classes, methods, module constants; calls and constructions; imports and requires. */
export const javascriptTags = `${shared}
(class_declaration name: (identifier) @name) @definition.class
(class name: (identifier) @name) @definition.class
(field_definition property: (property_identifier) @name value: [(arrow_function) (function_expression)]) @definition.method
(class_heritage (identifier) @name) @reference.class
${jsx}
`;

/** TypeScript and TSX: the JavaScript patterns plus interfaces, type aliases, enums, namespaces and type uses. */
export const typescriptTags = `${shared}
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(class name: (type_identifier) @name) @definition.class
(function_signature name: (identifier) @name) @definition.function
(abstract_method_signature name: (property_identifier) @name) @definition.method
(method_signature name: (property_identifier) @name) @definition.method
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(internal_module name: (identifier) @name) @definition.module
(public_field_definition name: (property_identifier) @name value: [(arrow_function) (function_expression)]) @definition.method

(extends_clause value: (identifier) @name) @reference.class
(implements_clause (type_identifier) @name) @reference.implementation
(extends_type_clause type: (type_identifier) @name) @reference.type
(type_annotation (type_identifier) @name) @reference.type
(generic_type name: (type_identifier) @name) @reference.type
(type_arguments (type_identifier) @name) @reference.type
(array_type (type_identifier) @name) @reference.type
(union_type (type_identifier) @name) @reference.type
`;

/** The TSX grammar adds JSX elements to TypeScript's. */
export const tsxTags = `${typescriptTags}${jsx}`;
